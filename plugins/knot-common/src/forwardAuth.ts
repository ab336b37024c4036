/**
 * Forward-auth of users' services: the ingress asks the knot backend whether
 * a request may pass (`auth-url`) and sends anonymous browsers to the portal's
 * sign-in page (`auth-signin`). The backend, the webhook (which writes these
 * annotations) and the frontend (which serves the page) share these names.
 */

/** The forward-auth endpoint, relative to the backend's base URL. */
export const FORWARD_AUTH_PATH = '/api/knot/forward-auth';

/** The portal page that signs a browser in for a service, relative to `app.baseUrl`. */
export const SERVICE_SIGN_IN_PATH = '/knot/services/sign-in';

/** The query parameter carrying the service URL the browser asked for. */
export const SERVICE_SIGN_IN_RETURN_PARAM = 'rd';

/** The identity headers forward-auth answers with (the ingress passes them on). */
export const FORWARD_AUTH_USER_HEADER = 'X-Knot-User';
export const FORWARD_AUTH_PROFILE_HEADER = 'X-Knot-Profile';

/**
 * Knot's OpenID Connect provider: its issuer is the backend's base URL plus
 * this path, so relying parties (the portal's sign-in among them) find the
 * discovery document below it.
 */
export const KNOT_OIDC_ISSUER_PATH = '/api/knot/oidc';

/** The provider's discovery document, relative to the backend's base URL. */
export const KNOT_OIDC_DISCOVERY_PATH = `${KNOT_OIDC_ISSUER_PATH}/.well-known/openid-configuration`;

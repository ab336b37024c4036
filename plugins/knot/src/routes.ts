import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The Knot landing page. */
export const rootRouteRef = createRouteRef();

/** The Services page: the acting profile's deployed services. */
export const servicesRouteRef = createRouteRef();

import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The Knot landing page. */
export const rootRouteRef = createRouteRef();

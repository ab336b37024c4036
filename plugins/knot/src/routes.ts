import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The Knot landing page. */
export const rootRouteRef = createRouteRef();

/** The file browser (private and shared folders). */
export const filesRouteRef = createRouteRef();

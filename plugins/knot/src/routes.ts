import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The Knot landing page. */
export const rootRouteRef = createRouteRef();

/** The signed-in user's account: acting profile, password. */
export const accountRouteRef = createRouteRef();

/** Users and teams administration. */
export const adminRouteRef = createRouteRef();

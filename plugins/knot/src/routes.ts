import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The Knot landing page. */
export const rootRouteRef = createRouteRef();

/** Admin: provisioning of user and team namespaces. */
export const provisioningRouteRef = createRouteRef();

/** The file browser (private and shared folders). */
export const filesRouteRef = createRouteRef();

/** The Services page: the acting profile's deployed services. */
export const servicesRouteRef = createRouteRef();

/** The signed-in user's account: acting profile, password. */
export const accountRouteRef = createRouteRef();

/** Users and teams administration. */
export const adminRouteRef = createRouteRef();

/** The acting profile's datasets (S3 buckets at /mnt/datasets/<name>). */
export const datasetsRouteRef = createRouteRef();

/** The signed-in user's teams: members, roles, invitations, access. */
export const teamsRouteRef = createRouteRef();
/** The container registry: shared and the acting profile's images. */
export const imagesRouteRef = createRouteRef();

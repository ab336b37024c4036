/**
 * The Knot backend plugin: users and teams, profiles, provisioning, files,
 * charts and services (helm releases), forward-auth and Knot's OIDC
 * provider, mounted at `/api/knot`. Other plugins call it through
 * `knotServiceRef` (`@knot-platform/plugin-knot-node`).
 *
 * @packageDocumentation
 */

export { knotPlugin as default } from './plugin';

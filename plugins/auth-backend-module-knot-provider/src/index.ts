/**
 * Auth module of Knot: sign-in to Backstage through Knot's OIDC provider.
 *
 * @packageDocumentation
 */

export { authModuleKnotProvider as default } from './module';
export { authModuleKnotProvider } from './module';
export { knotSignInResolver } from './knotSignInResolver';

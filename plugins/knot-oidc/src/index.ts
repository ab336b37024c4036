/**
 * Knot's OpenID Connect provider, built on `oidc-provider` and mounted by the
 * Knot backend: persistent storage on the backend's database, login,
 * sign-up and consent pages.
 *
 * @packageDocumentation
 */

export { oidcClaimNames, type KnotClaims } from './claims';
export {
  createKnotOidc,
  migrateOidcDatabase,
  type AccountSource,
  type InteractionContext,
  type KnotAccount,
  type KnotOidc,
  type KnotOidcOptions,
  type OidcClientConfig,
} from './createKnotOidc';
export { sharedSecret, signingKeys, type SigningKeyOptions } from './secrets';
export { LoginThrottle } from './throttle';

/**
 * Knot's OpenID Connect provider, built on `oidc-provider` and mounted by the
 * Knot backend. Skeleton: the provider itself arrives with the identity work.
 *
 * @packageDocumentation
 */

export { oidcClaimNames, type KnotClaims } from './claims';

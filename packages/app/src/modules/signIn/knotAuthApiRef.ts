import {
  createApiRef,
  type BackstageIdentityApi,
  type OpenIdConnectApi,
  type ProfileInfoApi,
  type SessionApi,
} from '@backstage/core-plugin-api';

/**
 * Sign-in through Knot's own OIDC provider: the backend's auth provider
 * `oidc` (packages/backend/src/modules/knotOidcAuth.ts).
 */
export const knotAuthApiRef = createApiRef<
  OpenIdConnectApi & ProfileInfoApi & BackstageIdentityApi & SessionApi
>({ id: 'knot.auth.oidc' });

import type { Config } from '@backstage/config';
import type { OidcClientConfig } from '@knot-platform/plugin-knot-oidc';

/**
 * The provider's clients from `knot.identity.oidc.clients`. Redirect URIs
 * starting with `/` are on this backend (the portal's own sign-in callback),
 * so they follow `backend.baseUrl`.
 */
export function readOidcClients(config: Config): OidcClientConfig[] {
  const backend = (config.getOptionalString('backend.baseUrl') ?? '').replace(
    /\/$/,
    '',
  );
  const absolute = (uri: string) =>
    uri.startsWith('/') ? `${backend}${uri}` : uri;
  return (
    config.getOptionalConfigArray('knot.identity.oidc.clients') ?? []
  ).map(client => ({
    clientId: client.getString('clientId'),
    clientSecret: client.getOptionalString('clientSecret'),
    name: client.getOptionalString('name'),
    redirectUris: client.getStringArray('redirectUris').map(absolute),
    postLogoutRedirectUris: client
      .getOptionalStringArray('postLogoutRedirectUris')
      ?.map(absolute),
    tokenEndpointAuthMethod: client.getOptionalString(
      'tokenEndpointAuthMethod',
    ) as OidcClientConfig['tokenEndpointAuthMethod'],
    skipConsent: client.getOptionalBoolean('skipConsent'),
  }));
}

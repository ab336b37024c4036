import type { Config } from '@backstage/config';
import type { OidcClientConfig } from '@internal/plugin-knot-oidc';

/** The provider's clients from `knot.identity.oidc.clients`. */
export function readOidcClients(config: Config): OidcClientConfig[] {
  return (
    config.getOptionalConfigArray('knot.identity.oidc.clients') ?? []
  ).map(client => ({
    clientId: client.getString('clientId'),
    clientSecret: client.getOptionalString('clientSecret'),
    name: client.getOptionalString('name'),
    redirectUris: client.getStringArray('redirectUris'),
    postLogoutRedirectUris: client.getOptionalStringArray(
      'postLogoutRedirectUris',
    ),
    tokenEndpointAuthMethod: client.getOptionalString(
      'tokenEndpointAuthMethod',
    ) as OidcClientConfig['tokenEndpointAuthMethod'],
  }));
}

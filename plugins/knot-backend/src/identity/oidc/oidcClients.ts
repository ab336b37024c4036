import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { OidcClientConfig } from '@knot-platform/plugin-knot-oidc';
import { readIntegrations } from '../../integrations/config';

/**
 * The provider's clients: `knot.identity.oidc.clients` and those of the
 * enabled integrations (`knot.integrations.<name>.oidc`). Redirect URIs
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
  const configured = (
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
  const clients = [
    ...configured,
    ...readIntegrations(config).map(integration => integration.oidcClient),
  ];
  const ids = new Set<string>();
  for (const { clientId } of clients) {
    if (ids.has(clientId)) {
      throw new InputError(
        `The OIDC client '${clientId}' is configured twice (knot.identity.oidc.clients and knot.integrations)`,
      );
    }
    ids.add(clientId);
  }
  return clients;
}

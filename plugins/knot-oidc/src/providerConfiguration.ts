import { createRequire } from 'node:module';
import type * as OidcProviderExports from 'oidc-provider';
import { oidcClaimNames } from './claims';
import { KnexAdapter } from './KnexAdapter';
import { errorPage } from './pages';
import { cookieKeys, signingKeys } from './secrets';
import type { AccountSource, KnotOidcOptions } from './types';

/** The `oidc-provider` module. */
export type OidcProviderModule = typeof OidcProviderExports;
export type Provider = OidcProviderExports.default;

/**
 * oidc-provider is ESM-only; Node's own require loads ESM (Node >= 22.12),
 * also inside Jest's sandbox, which cannot run a dynamic import().
 */
function loadProvider(): OidcProviderModule {
  return createRequire(__filename)('oidc-provider');
}

const DAY = 24 * 60 * 60;

const SCOPE_CLAIMS = {
  openid: ['sub'],
  email: ['email'],
  profile: ['preferred_username', 'name', 'groups', 'roles', ...oidcClaimNames],
  groups: ['groups'],
  knot: [...oidcClaimNames],
};

/** The path of an interaction's pages below the issuer. */
export function interactionPathOf(issuer: string): (uid: string) => string {
  const basePath = new URL(issuer).pathname.replace(/\/$/, '');
  return uid => `${basePath}/interaction/${uid}`;
}

/**
 * The provider itself, configured as Knot needs it: its clients, keys and
 * cookies from the database, the claims of Knot's accounts, PKCE for public
 * clients, refresh tokens, its interactions on Knot's own pages.
 */
export async function createOidcProvider(
  options: Omit<KnotOidcOptions, 'accounts'> & {
    accounts: Pick<AccountSource, 'find'>;
  },
): Promise<{ provider: Provider; errors: OidcProviderModule['errors'] }> {
  const { knex, accounts, issuer } = options;
  const { default: OidcProvider, errors } = loadProvider();
  const interactionPath = interactionPathOf(issuer);

  const provider = new OidcProvider(issuer, {
    adapter: (model: string) => new KnexAdapter(knex, model),
    clients: options.clients.map(client => ({
      client_id: client.clientId,
      client_name: client.name ?? client.clientId,
      ...(client.clientSecret
        ? {
            client_secret: client.clientSecret,
            token_endpoint_auth_method:
              client.tokenEndpointAuthMethod ?? 'client_secret_basic',
          }
        : { token_endpoint_auth_method: 'none' }),
      redirect_uris: client.redirectUris,
      post_logout_redirect_uris: client.postLogoutRedirectUris ?? [],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    })),
    jwks: {
      keys: (await signingKeys(knex, {
        rotateAfterMs: (options.signingKeyRotationDays ?? 90) * DAY * 1000,
      })) as any[],
    },
    cookies: { keys: await cookieKeys(knex) },
    claims: SCOPE_CLAIMS,
    scopes: ['openid', 'offline_access', ...Object.keys(SCOPE_CLAIMS)],
    // The ID token carries the claims of every granted scope, so clients
    // that never call userinfo still get knot_* and groups.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    // PKCE is required for public clients; optional (but honoured) for
    // confidential ones.
    pkce: {
      required: (_ctx: unknown, client: { clientAuthMethod: string }) =>
        client.clientAuthMethod === 'none',
    },
    // Every client that may use refresh tokens gets one, without needing
    // offline_access (the portal refreshes its session with it).
    issueRefreshToken: async (
      _ctx: unknown,
      client: { grantTypeAllowed(type: string): boolean },
    ) => client.grantTypeAllowed('refresh_token'),
    ttl: {
      AuthorizationCode: 60,
      Interaction: 60 * 60,
      IdToken: 60 * 60,
      AccessToken: 60 * 60,
      Session: 14 * DAY,
      Grant: 14 * DAY,
      RefreshToken: 14 * DAY,
    },
    interactions: {
      url: async (_ctx: unknown, interaction: { uid: string }) =>
        interactionPath(interaction.uid),
    },
    async findAccount(_ctx: unknown, sub: string) {
      const account = await accounts.find(sub);
      if (!account) {
        return undefined;
      }
      return {
        accountId: account.username,
        async claims() {
          return {
            sub: account.username,
            preferred_username: account.username,
            name: account.username,
            ...(account.email ? { email: account.email } : {}),
            groups: account.groups,
            roles: account.roles ?? [],
            ...account.knotClaims,
          };
        },
      };
    },
    async renderError(ctx: any, out: Record<string, string>) {
      ctx.type = 'html';
      ctx.body = errorPage(
        'Sign-in error',
        out.error_description ?? out.error ?? 'Something went wrong',
      );
    },
  } as any);
  if (issuer.startsWith('https:')) {
    // TLS ends at a proxy in front of the backend: trust its X-Forwarded-*.
    provider.proxy = true;
  }
  provider.on('server_error', (_ctx: unknown, error: Error) => {
    options.logger?.warn(`OIDC provider error: ${error.message}`);
  });

  return { provider, errors };
}

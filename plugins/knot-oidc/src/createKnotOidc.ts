import { resolvePackagePath } from '@backstage/backend-plugin-api';
import express from 'express';
import type { Knex } from 'knex';
import { createRequire } from 'node:module';
import type * as OidcProviderModule from 'oidc-provider';
import { oidcClaimNames } from './claims';
import { KnexAdapter } from './KnexAdapter';
import { consentPage, errorPage, loginPage, signupPage } from './pages';
import { cookieKeys, signingKeys } from './secrets';
import { LoginThrottle } from './throttle';

type Provider = OidcProviderModule.default;

/** A Knot account as the provider sees it; only active accounts are found. */
export interface KnotAccount {
  username: string;
  email?: string;
  /** Teams the user belongs to: the `groups` claim. */
  groups: string[];
  /** `knot_*` claims of the user's profile (knot_username, knot_namespace, ...). */
  knotClaims: Record<string, string>;
}

/** Where the provider finds accounts: the Knot user store. */
export interface AccountSource {
  /** An active account by username, or undefined. */
  find(username: string): Promise<KnotAccount | undefined>;
  authenticate(
    username: string,
    password: string,
  ): Promise<
    | { ok: true }
    | { ok: false; reason: 'invalid-credentials' | 'awaiting-approval' }
  >;
  /** Creates an inactive account; throws InputError or ConflictError. */
  signUp(input: {
    username: string;
    email?: string;
    password: string;
  }): Promise<void>;
}

/** An OIDC client (relying party), from `knot.identity.oidc.clients`. */
export interface OidcClientConfig {
  clientId: string;
  /** Confidential clients have a secret; public ones must use PKCE. */
  clientSecret?: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  /** How a confidential client authenticates at the token endpoint. */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
  /** Shown on the login and consent pages. */
  name?: string;
  /**
   * First-party clients (the portal itself) skip the consent page: the
   * admin who configured them has consented for the users.
   */
  skipConsent?: boolean;
}

export interface KnotOidcOptions {
  /** The issuer URL: where the returned router is reachable. */
  issuer: string;
  knex: Knex;
  accounts: AccountSource;
  clients: OidcClientConfig[];
  logger?: { info(message: string): void; warn(message: string): void };
  /**
   * A new signing key is made at start-up once the newest is this old; the
   * previous one stays published for a day.
   * @default 90
   */
  signingKeyRotationDays?: number;
}

export interface KnotOidc {
  /** Serves the provider and its pages; mount it at the issuer's path. */
  router: express.Router;
  provider: Provider;
}

/**
 * Runs the provider's migrations (its tables live on the caller's
 * database, next to the Knot user store).
 */
export async function migrateOidcDatabase(knex: Knex): Promise<void> {
  await knex.migrate.latest({
    directory: resolvePackagePath(
      '@knot-platform/plugin-knot-oidc',
      'migrations',
    ),
    tableName: 'knot_oidc_migrations',
  });
}

/**
 * oidc-provider is ESM-only; Node's own require loads ESM (Node >= 22.12),
 * also inside Jest's sandbox, which cannot run a dynamic import().
 */
function loadProvider(): typeof OidcProviderModule {
  return createRequire(__filename)('oidc-provider');
}

const DAY = 24 * 60 * 60;

const SCOPE_CLAIMS = {
  openid: ['sub'],
  email: ['email'],
  profile: ['preferred_username', 'name', 'groups', ...oidcClaimNames],
  groups: ['groups'],
  knot: [...oidcClaimNames],
};

/** Knot's OpenID Connect provider and its login, sign-up and consent pages. */
export async function createKnotOidc(
  options: KnotOidcOptions,
): Promise<KnotOidc> {
  const { knex, accounts, issuer } = options;
  const { default: OidcProvider, errors } = loadProvider();
  const basePath = new URL(issuer).pathname.replace(/\/$/, '');
  const interactionPath = (uid: string) => `${basePath}/interaction/${uid}`;

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

  const throttle = new LoginThrottle(knex);
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  async function clientName(clientId: unknown): Promise<string> {
    const client = await provider.Client.find(String(clientId));
    return (client?.clientName as string | undefined) ?? String(clientId);
  }

  const send = (res: express.Response, status: number, html: string) =>
    res.status(status).type('html').set('Cache-Control', 'no-store').send(html);

  const loginView = async (
    uid: string,
    params: Record<string, unknown>,
    extra: { username?: string; error?: string; notice?: string } = {},
  ) =>
    loginPage({
      action: `${interactionPath(uid)}/login`,
      signupUrl: `${interactionPath(uid)}/signup`,
      clientName: await clientName(params.client_id),
      ...extra,
    });

  const skipConsent = new Set(
    options.clients.filter(c => c.skipConsent).map(c => c.clientId),
  );

  async function grantConsent(
    req: express.Request,
    res: express.Response,
    details: Awaited<ReturnType<Provider['interactionDetails']>>,
  ) {
    const { prompt, params, session } = details;
    if (prompt.name !== 'consent' || !session) {
      throw new errors.InvalidRequest('no consent is pending');
    }
    const missing = prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    const grant = details.grantId
      ? (await provider.Grant.find(details.grantId))!
      : new provider.Grant({
          accountId: session.accountId,
          clientId: String(params.client_id),
        });
    if (missing.missingOIDCScope) {
      grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    }
    if (missing.missingOIDCClaims) {
      grant.addOIDCClaims(missing.missingOIDCClaims);
    }
    for (const [indicator, scopes] of Object.entries(
      missing.missingResourceScopes ?? {},
    )) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { consent: details.grantId ? {} : { grantId } },
      { mergeWithLastSubmission: true },
    );
  }

  router.get('/interaction/:uid', async (req, res) => {
    const details = await provider.interactionDetails(req, res);
    const { uid, prompt, params, session } = details;
    if (prompt.name === 'login') {
      send(res, 200, await loginView(uid, params));
      return;
    }
    if (skipConsent.has(String(params.client_id))) {
      await grantConsent(req, res, details);
      return;
    }
    send(
      res,
      200,
      consentPage({
        action: `${interactionPath(uid)}/confirm`,
        abortAction: `${interactionPath(uid)}/abort`,
        clientName: await clientName(params.client_id),
        username: session?.accountId ?? '',
        scopes: String(params.scope ?? '')
          .split(' ')
          .filter(Boolean),
      }),
    );
  });

  router.post('/interaction/:uid/login', form, async (req, res) => {
    const details = await provider.interactionDetails(req, res);
    const username = String(req.body?.username ?? '').trim();
    const password = String(req.body?.password ?? '');
    if (await throttle.blocked(username)) {
      send(
        res,
        429,
        await loginView(details.uid, details.params, {
          username,
          error:
            'Too many failed sign-in attempts: wait a few minutes and try again.',
        }),
      );
      return;
    }
    const result = await accounts.authenticate(username, password);
    if (!result.ok) {
      if (result.reason === 'invalid-credentials') {
        await throttle.fail(username);
      }
      send(
        res,
        result.reason === 'awaiting-approval' ? 403 : 401,
        await loginView(details.uid, details.params, {
          username,
          error:
            result.reason === 'awaiting-approval'
              ? 'Your account is awaiting approval by an admin. You can sign in once it is approved.'
              : 'Wrong username or password.',
        }),
      );
      return;
    }
    await throttle.succeed(username);
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: username } },
      { mergeWithLastSubmission: false },
    );
  });

  router.get('/interaction/:uid/signup', async (req, res) => {
    const details = await provider.interactionDetails(req, res);
    send(
      res,
      200,
      signupPage({
        action: `${interactionPath(details.uid)}/signup`,
        loginUrl: interactionPath(details.uid),
      }),
    );
  });

  router.post('/interaction/:uid/signup', form, async (req, res) => {
    const details = await provider.interactionDetails(req, res);
    const username = String(req.body?.username ?? '').trim();
    const email = String(req.body?.email ?? '').trim() || undefined;
    try {
      await accounts.signUp({
        username,
        email,
        password: String(req.body?.password ?? ''),
      });
    } catch (error) {
      const name = (error as Error).name;
      if (name !== 'InputError' && name !== 'ConflictError') {
        throw error;
      }
      send(
        res,
        name === 'ConflictError' ? 409 : 400,
        signupPage({
          action: `${interactionPath(details.uid)}/signup`,
          loginUrl: interactionPath(details.uid),
          username,
          email,
          error:
            name === 'ConflictError'
              ? `The username '${username}' is already taken: choose another one.`
              : (error as Error).message,
        }),
      );
      return;
    }
    send(
      res,
      201,
      await loginView(details.uid, details.params, {
        username,
        notice: `Account '${username}' created. An admin must approve it before you can sign in.`,
      }),
    );
  });

  router.post('/interaction/:uid/confirm', form, async (req, res) => {
    await grantConsent(req, res, await provider.interactionDetails(req, res));
  });

  router.post('/interaction/:uid/abort', form, async (req, res) => {
    await provider.interactionFinished(
      req,
      res,
      {
        error: 'access_denied',
        error_description: 'The user denied access',
      },
      { mergeWithLastSubmission: false },
    );
  });

  // An expired or unknown interaction (old tab, restarted flow): say so.
  router.use(
    '/interaction',
    (
      error: Error,
      _req: express.Request,
      res: express.Response,
      next: express.NextFunction,
    ) => {
      if (error instanceof errors.SessionNotFound) {
        send(
          res,
          400,
          errorPage(
            'Sign-in expired',
            'This sign-in page has expired. Go back to the application and sign in again.',
          ),
        );
        return;
      }
      next(error);
    },
  );

  // Everything else is the provider's: discovery, auth, token, userinfo, ...
  // (no body parser in front of it: it reads bodies itself).
  router.use(provider.callback() as express.RequestHandler);

  return { router, provider };
}

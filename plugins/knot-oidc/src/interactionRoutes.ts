import express from 'express';
import type { Knex } from 'knex';
import type { OidcProviderModule, Provider } from './providerConfiguration';
import { consentPage, errorPage, loginPage, signupPage } from './pages';
import { LoginThrottle } from './throttle';
import type { AccountSource, OidcClientConfig } from './types';

/**
 * Knot's own interaction pages of the provider, below `/interaction/:uid`:
 * login (throttled per username), sign-up (an inactive account), consent
 * (skipped for first-party clients) and abort.
 */
export function createInteractionRouter(options: {
  provider: Provider;
  errors: OidcProviderModule['errors'];
  knex: Knex;
  accounts: AccountSource;
  clients: OidcClientConfig[];
  interactionPath: (uid: string) => string;
}): express.Router {
  const { provider, errors, knex, accounts, interactionPath } = options;
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
    try {
      await accounts.granted?.(
        {
          username: session.accountId,
          clientId: String(params.client_id),
          scopes: String(params.scope ?? '')
            .split(' ')
            .filter(Boolean),
          automatic: skipConsent.has(String(params.client_id)),
        },
        { sourceIp: req.ip },
      );
    } catch {
      // Recording the grant must not fail the sign-in.
    }
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
    // Counted before the password is checked, so concurrent guesses are too.
    const attempt = await throttle.attempt(username);
    if (!attempt.allowed) {
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
      if (result.reason !== 'invalid-credentials') {
        // The password was right (awaiting approval): not a guess.
        await throttle.release(attempt.id);
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
      await accounts.signUp(
        { username, email, password: String(req.body?.password ?? '') },
        { sourceIp: req.ip },
      );
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

  return router;
}

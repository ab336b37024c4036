import {
  createKnotOidc,
  migrateOidcDatabase,
} from '@knot-platform/plugin-knot-oidc';
import express from 'express';
import { createPublicKey, verify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createTestDatabases,
  formAction,
  loadOpenidClient,
  TestBrowser,
} from '@knot-platform/knot-test-utils';
import { SelfServiceTeams } from '../SelfServiceTeams';
import { UserStore } from '../UserStore';
import { knotClaimsFor, storeAccountSource } from './storeAccountSource';

const client = loadOpenidClient();
const databases = createTestDatabases();

jest.setTimeout(120_000);

const REDIRECT = 'http://rp.example/callback';
const platform = {
  namespacePrefix: 'knot-',
  ingressUrl: 'https://knot.example',
};

describe.each(databases.eachSupportedId())(
  'Knot OIDC provider on %p',
  databaseId => {
    let server: Server;
    let issuer: string;
    let store: UserStore;
    let app: express.Express;
    let knex: Awaited<ReturnType<typeof databases.init>>;

    /** (Re)creates the provider on the same database: a backend restart. */
    async function startProvider() {
      await migrateOidcDatabase(knex);
      const oidc = await createKnotOidc({
        issuer,
        knex,
        accounts: storeAccountSource(store, knotClaimsFor(platform)),
        clients: [
          {
            clientId: 'confidential',
            clientSecret: 'confidential-secret',
            redirectUris: [REDIRECT],
            name: 'Test app',
          },
          { clientId: 'public', redirectUris: [REDIRECT] },
        ],
      });
      app = express();
      app.use('/oidc', oidc.router);
    }

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      store = await UserStore.create({
        database: { getClient: async () => knex },
      });
      await store.signUp({
        username: 'alice',
        email: 'alice@example.com',
        password: 'alice password',
      });
      await store.setActive('alice', true);
      await store.createTeam('vision', ['alice']);
      await store.signUp({ username: 'waiting', password: 'waiting password' });
      server = createServer((req, res) => app(req, res));
      await new Promise<void>(resolve =>
        server.listen(0, '127.0.0.1', resolve),
      );
      issuer = `http://127.0.0.1:${
        (server.address() as AddressInfo).port
      }/oidc`;
      await startProvider();
    });

    afterAll(async () => {
      await new Promise(resolve => server.close(resolve));
    });

    async function discover(clientId: string, secret?: string) {
      return client.discovery(
        new URL(issuer),
        clientId,
        undefined,
        secret ? client.ClientSecretBasic(secret) : client.None(),
        { execute: [client.allowInsecureRequests] },
      );
    }

    /** Signs in through the login and consent pages; returns the callback URL. */
    async function signIn(
      authorizationUrl: URL,
      username = 'alice',
      password = 'alice password',
    ) {
      const browser = new TestBrowser(REDIRECT);
      const login = await browser.go(authorizationUrl.href);
      expect(login.body).toContain('Sign in to Knot');
      const consent = await browser.go(formAction(login.body, login.url), {
        username,
        password,
      });
      expect(consent.body).toContain('Allow access?');
      const done = await browser.go(formAction(consent.body, consent.url), {});
      expect(done.location).toMatch(/^http:\/\/rp\.example\/callback\?code=/);
      return new URL(done.location!);
    }

    /** The OAuth error code a call failed with (its errors hold a Response). */
    async function oauthError(promise: Promise<unknown>): Promise<string> {
      return promise.then(
        () => 'no error',
        (e: {
          error?: string;
          cause?: Array<{ parameters?: { error?: string } }>;
        }) => e.error ?? e.cause?.[0]?.parameters?.error ?? String(e),
      );
    }

    async function pkce() {
      const verifier = client.randomPKCECodeVerifier();
      return {
        verifier,
        challenge: await client.calculatePKCECodeChallenge(verifier),
      };
    }

    it('runs the authorization code flow with PKCE and issues Knot claims', async () => {
      const rp = await discover('confidential', 'confidential-secret');
      const { verifier, challenge } = await pkce();
      const state = client.randomState();
      const callback = await signIn(
        client.buildAuthorizationUrl(rp, {
          redirect_uri: REDIRECT,
          scope: 'openid email profile',
          code_challenge: challenge,
          code_challenge_method: 'S256',
          state,
        }),
      );
      const tokens = await client.authorizationCodeGrant(rp, callback, {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
      expect(tokens.claims()).toMatchObject({
        iss: issuer,
        aud: 'confidential',
        sub: 'alice',
        preferred_username: 'alice',
        email: 'alice@example.com',
        groups: ['vision'],
        knot_username: 'alice',
        knot_namespace: 'knot-alice',
        knot_ingress_url: 'https://knot.example',
        knot_private_dir: '/private',
        knot_shared_dir: '/shared',
      });
      expect(tokens.refresh_token).toEqual(expect.any(String));

      // A restart (new provider on the same database) keeps keys and tokens.
      const idToken = tokens.id_token!;
      await startProvider();
      const jwks = await (await fetch(`${issuer}/jwks`)).json();
      const [header, payload, signature] = idToken.split('.');
      const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString());
      const jwk = jwks.keys.find((k: { kid: string }) => k.kid === kid);
      expect(jwk).toBeDefined();
      expect(
        verify(
          'RSA-SHA256',
          Buffer.from(`${header}.${payload}`),
          createPublicKey({ key: jwk, format: 'jwk' }),
          Buffer.from(signature, 'base64url'),
        ),
      ).toBe(true);
      const rpAfter = await discover('confidential', 'confidential-secret');
      await expect(
        client.fetchUserInfo(rpAfter, tokens.access_token, 'alice'),
      ).resolves.toMatchObject({ sub: 'alice', knot_namespace: 'knot-alice' });
      const refreshed = await client.refreshTokenGrant(
        rpAfter,
        tokens.refresh_token!,
      );
      expect(refreshed.claims()).toMatchObject({
        sub: 'alice',
        groups: ['vision'],
      });

      // The code cannot be used twice; replaying it revokes what it gave.
      await expect(
        oauthError(
          client.authorizationCodeGrant(rpAfter, callback, {
            pkceCodeVerifier: verifier,
            expectedState: state,
          }),
        ),
      ).resolves.toBe('invalid_grant');
      await expect(
        oauthError(
          client.fetchUserInfo(rpAfter, refreshed.access_token, 'alice'),
        ),
      ).resolves.toBe('invalid_token');
    });

    it('requires PKCE from public clients and accepts it', async () => {
      const rp = await discover('public');
      const browser = new TestBrowser(REDIRECT);
      const refused = await browser.go(
        client.buildAuthorizationUrl(rp, {
          redirect_uri: REDIRECT,
          scope: 'openid',
        }).href,
      );
      const error = new URL(refused.location!).searchParams;
      expect(error.get('error')).toBe('invalid_request');
      expect(error.get('error_description')).toMatch(/PKCE/);

      const { verifier, challenge } = await pkce();
      const callback = await signIn(
        client.buildAuthorizationUrl(rp, {
          redirect_uri: REDIRECT,
          scope: 'openid',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }),
      );
      const tokens = await client.authorizationCodeGrant(rp, callback, {
        pkceCodeVerifier: verifier,
      });
      expect(tokens.claims()?.sub).toBe('alice');
    });

    it('refuses an unknown redirect_uri without redirecting to it', async () => {
      const rp = await discover('confidential', 'confidential-secret');
      const { challenge } = await pkce();
      const browser = new TestBrowser('http://evil.example');
      const response = await browser.go(
        client.buildAuthorizationUrl(rp, {
          redirect_uri: 'http://evil.example/callback',
          scope: 'openid',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }).href,
      );
      expect(response.status).toBe(400);
      expect(response.location).toBeUndefined();
      expect(response.body).toContain('redirect_uri');
    });

    it('refuses a wrong client secret', async () => {
      const rp = await discover('confidential', 'not-the-secret');
      const { verifier, challenge } = await pkce();
      const callback = await signIn(
        client.buildAuthorizationUrl(rp, {
          redirect_uri: REDIRECT,
          scope: 'openid',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }),
      );
      await expect(
        oauthError(
          client.authorizationCodeGrant(rp, callback, {
            pkceCodeVerifier: verifier,
          }),
        ),
      ).resolves.toBe('invalid_client');
    });

    it('explains wrong passwords, pending approval and taken usernames', async () => {
      const rp = await discover('confidential', 'confidential-secret');
      const { challenge } = await pkce();
      const browser = new TestBrowser(REDIRECT);
      const login = await browser.go(
        client.buildAuthorizationUrl(rp, {
          redirect_uri: REDIRECT,
          scope: 'openid',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }).href,
      );
      const action = formAction(login.body, login.url);

      const wrong = await browser.go(action, {
        username: 'alice',
        password: 'nope',
      });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toContain('Wrong username or password.');

      const pending = await browser.go(action, {
        username: 'waiting',
        password: 'waiting password',
      });
      expect(pending.status).toBe(403);
      expect(pending.body).toContain('awaiting approval by an admin');

      const signupPage = await browser.go(`${login.url}/signup`);
      const signupAction = formAction(signupPage.body, signupPage.url);
      const taken = await browser.go(signupAction, {
        username: 'alice',
        password: 'some password',
      });
      expect(taken.status).toBe(409);
      expect(taken.body).toContain(
        'The username &#39;alice&#39; is already taken',
      );

      const created = await browser.go(signupAction, {
        username: 'newbie',
        email: 'newbie@example.com',
        password: 'newbie password',
      });
      expect(created.status).toBe(201);
      expect(created.body).toContain('An admin must approve it');
      expect(await store.getUser('newbie')).toMatchObject({ active: false });
    });

    it('follows self-service team membership in the groups claim of the next token', async () => {
      const teams = new SelfServiceTeams(knex, store, {
        creationNeedsApproval: false,
      });
      const rp = await discover('confidential', 'confidential-secret');
      const { verifier, challenge } = await pkce();
      const state = client.randomState();
      const callback = await signIn(
        client.buildAuthorizationUrl(rp, {
          redirect_uri: REDIRECT,
          scope: 'openid email profile',
          code_challenge: challenge,
          code_challenge_method: 'S256',
          state,
        }),
      );
      const tokens = await client.authorizationCodeGrant(rp, callback, {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
      expect(tokens.claims()?.groups).toEqual(['vision']);

      await teams.create('alice', 'oidc-team');
      const joined = await client.refreshTokenGrant(rp, tokens.refresh_token!);
      expect(joined.claims()?.groups).toEqual(['oidc-team', 'vision']);

      // alice hands the team to bert, then leaves it.
      await store.signUp({ username: 'bert', password: 'bert password' });
      await store.setActive('bert', true);
      await teams.invite('alice', 'oidc-team', 'bert', 'member');
      await teams.accept('bert', 'oidc-team');
      await teams.transfer('alice', 'oidc-team', 'bert');
      await teams.leave('alice', 'oidc-team');
      const left = await client.refreshTokenGrant(
        rp,
        joined.refresh_token ?? tokens.refresh_token!,
      );
      expect(left.claims()?.groups).toEqual(['vision']);

      // A team awaiting an admin's approval is in no token yet.
      await new SelfServiceTeams(knex, store, {
        creationNeedsApproval: true,
      }).create('alice', 'pending-team');
      const pending = await client.refreshTokenGrant(
        rp,
        left.refresh_token ?? tokens.refresh_token!,
      );
      expect(pending.claims()?.groups).toEqual(['vision']);
      await store.approveTeam('pending-team');
      const approved = await client.refreshTokenGrant(
        rp,
        pending.refresh_token ?? tokens.refresh_token!,
      );
      expect(approved.claims()?.groups).toEqual(['pending-team', 'vision']);
    });
  },
);

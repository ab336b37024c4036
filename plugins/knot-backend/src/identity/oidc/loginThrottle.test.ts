import {
  createKnotOidc,
  LoginThrottle,
  migrateOidcDatabase,
} from '@knot-platform/plugin-knot-oidc';
import express from 'express';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createTestDatabases,
  formAction,
  TestBrowser,
} from '@knot-platform/knot-test-utils';

const databases = createTestDatabases();

jest.setTimeout(60_000);

const REDIRECT = 'http://rp.example/callback';

describe.each(databases.eachSupportedId())(
  'the OIDC login throttle on %p',
  databaseId => {
    it('counts attempts across replicas, forgets them after the window or a success', async () => {
      const knex = await databases.init(databaseId);
      await migrateOidcDatabase(knex);
      // Two replicas on one database, 3 attempts per minute allowed.
      const a = new LoginThrottle(knex, 3, 60_000);
      const b = new LoginThrottle(knex, 3, 60_000);
      const t = 1_000_000;
      const allowed = async (
        throttle: LoginThrottle,
        user: string,
        at: number,
      ) => (await throttle.attempt(user, at)).allowed;

      expect(await allowed(a, 'alice', t)).toBe(true);
      expect(await allowed(b, 'alice', t + 1)).toBe(true);
      expect(await allowed(a, 'alice', t + 2)).toBe(true);
      expect(await allowed(b, 'alice', t + 3)).toBe(false);
      expect(await allowed(a, 'bob', t + 3)).toBe(true);

      // A minute after the attempts, they no longer count.
      expect(await allowed(a, 'alice', t + 60_004)).toBe(true);

      // A success clears the user's attempts at once.
      for (let i = 0; i < 3; i++) {
        await b.attempt('carol', t);
      }
      expect(await allowed(a, 'carol', t + 1)).toBe(false);
      await a.succeed('carol');
      expect(await allowed(b, 'carol', t + 1)).toBe(true);

      // A released attempt (not a guess) does not count.
      for (let i = 0; i < 2; i++) {
        await a.attempt('erin', t);
      }
      await b.release((await a.attempt('erin', t)).id);
      expect(await allowed(b, 'erin', t + 1)).toBe(true);
      expect(await allowed(b, 'erin', t + 1)).toBe(false);

      // Whatever is typed as a username is stored safely.
      const long = 'x'.repeat(5000);
      for (let i = 0; i < 3; i++) {
        await a.attempt(long, t);
      }
      expect(await allowed(b, long, t + 1)).toBe(false);

      // Old rows are swept when new attempts come in.
      await a.attempt('dave', t + 10 * 60_000);
      const [{ n }] = await knex('knot_oidc_login_failures').count({ n: '*' });
      expect(Number(n)).toBe(1);
    });

    it('lets concurrent sign-ins for one username check at most `limit` passwords', async () => {
      const knex = await databases.init(databaseId);
      await migrateOidcDatabase(knex);
      let checked = 0;
      const oidc = await createKnotOidc({
        issuer: 'http://127.0.0.1/oidc',
        knex,
        accounts: {
          find: async () => undefined,
          signUp: async () => {},
          async authenticate() {
            checked++;
            await new Promise(resolve => setTimeout(resolve, 20));
            return { ok: false, reason: 'invalid-credentials' };
          },
        },
        clients: [{ clientId: 'public', redirectUris: [REDIRECT] }],
      });
      const app = express();
      app.use('/oidc', oidc.router);
      const server = createServer((req, res) => app(req, res));
      await new Promise<void>(resolve =>
        server.listen(0, '127.0.0.1', resolve),
      );
      try {
        const { port } = server.address() as AddressInfo;
        const browser = new TestBrowser(REDIRECT);
        const login = await browser.go(
          `http://127.0.0.1:${port}/oidc/auth?${new URLSearchParams({
            client_id: 'public',
            redirect_uri: REDIRECT,
            response_type: 'code',
            scope: 'openid',
            code_challenge: 'a'.repeat(43),
            code_challenge_method: 'S256',
          })}`,
        );
        const action = formAction(login.body, login.url);
        // One interaction serves every guess: a failure does not consume it.
        const answers = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            browser.request(action, { username: 'alice', password: `${i}` }),
          ),
        );
        const statuses = answers.map(a => a.status);
        expect(checked).toBeLessThanOrEqual(10);
        expect(statuses.filter(s => s === 401)).toHaveLength(checked);
        expect(statuses.filter(s => s === 429)).toHaveLength(30 - checked);
      } finally {
        await new Promise(resolve => server.close(resolve));
      }
    });
  },
);

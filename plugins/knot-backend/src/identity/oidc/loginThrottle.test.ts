import {
  LoginThrottle,
  migrateOidcDatabase,
} from '@knot-platform/plugin-knot-oidc';
import { createTestDatabases } from '@knot-platform/knot-test-utils';

const databases = createTestDatabases();

jest.setTimeout(60_000);

describe.each(databases.eachSupportedId())(
  'the OIDC login throttle on %p',
  databaseId => {
    it('counts failures across replicas, forgets them after the window or a success', async () => {
      const knex = await databases.init(databaseId);
      await migrateOidcDatabase(knex);
      // Two replicas on one database, 3 failures per minute allowed.
      const a = new LoginThrottle(knex, 3, 60_000);
      const b = new LoginThrottle(knex, 3, 60_000);
      const t = 1_000_000;

      await a.fail('alice', t);
      await b.fail('alice', t + 1);
      expect(await a.blocked('alice', t + 2)).toBe(false);
      await a.fail('alice', t + 2);
      expect(await b.blocked('alice', t + 3)).toBe(true);
      expect(await a.blocked('bob', t + 3)).toBe(false);

      // A minute after the failures, they no longer count.
      expect(await a.blocked('alice', t + 60_003)).toBe(false);

      // A success clears the user's failures at once.
      await b.fail('carol', t);
      await b.fail('carol', t);
      await b.fail('carol', t);
      expect(await a.blocked('carol', t + 1)).toBe(true);
      await a.succeed('carol');
      expect(await b.blocked('carol', t + 1)).toBe(false);

      // Whatever is typed as a username is stored safely.
      const long = 'x'.repeat(5000);
      await a.fail(long, t);
      await a.fail(long, t);
      await a.fail(long, t);
      expect(await b.blocked(long, t + 1)).toBe(true);

      // Old rows are swept when new failures come in.
      await a.fail('dave', t + 10 * 60_000);
      const [{ n }] = await knex('knot_oidc_login_failures').count({ n: '*' });
      expect(Number(n)).toBe(1);
    });
  },
);

import {
  migrateOidcDatabase,
  signingKeys,
} from '@knot-platform/plugin-knot-oidc';
import { createTestDatabases } from '@knot-platform/knot-test-utils';

const databases = createTestDatabases();
const DAY = 24 * 60 * 60 * 1000;

jest.setTimeout(60_000);

describe.each(databases.eachSupportedId())(
  'OIDC signing key rotation on %p',
  databaseId => {
    it('rotates after the period, keeps the old key published for a day, then drops it', async () => {
      const knex = await databases.init(databaseId);
      await migrateOidcDatabase(knex);
      const options = (now: number) => ({ rotateAfterMs: 30 * DAY, now });
      const kids = async (now: number) =>
        (await signingKeys(knex, options(now))).map(key => key.kid);
      const t0 = Date.UTC(2026, 0, 1);

      const [first] = await kids(t0);
      expect(first).toEqual(expect.any(String));
      // Within the period: the same key, on every start.
      expect(await kids(t0 + 29 * DAY)).toEqual([first]);

      // Past it: a new key signs (it comes first), the old one still verifies.
      const rotated = await kids(t0 + 31 * DAY);
      expect(rotated).toHaveLength(2);
      expect(rotated[1]).toBe(first);
      // Another replica starting in the same period agrees on the new key.
      expect(await kids(t0 + 31 * DAY + 1000)).toEqual(rotated);

      // A day after the new key, the old one is gone.
      expect(await kids(t0 + 32 * DAY + 1)).toEqual([rotated[0]]);

      const [key] = await signingKeys(knex, options(t0 + 32 * DAY + 1));
      expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
      expect(key.d).toEqual(expect.any(String)); // private: it signs
    });
  },
);

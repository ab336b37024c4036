import { mockCredentials } from '@backstage/backend-test-utils';
import {
  createTestDatabases,
  startKnotTestBackend,
} from '@knot-platform/knot-test-utils';
import request from 'supertest';

const databases = createTestDatabases();

// Starting a backend on a fresh database is slow on a loaded machine.
jest.setTimeout(60_000);

describe('knotPlugin on each supported database', () => {
  it.each(databases.eachSupportedId())(
    'starts and answers on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { server } = await startKnotTestBackend({
        knex,
        config: { knot: { kubernetes: { healthTimeoutMs: 500 } } },
      });
      const response = await request(server)
        .get('/api/knot/health')
        .set('Authorization', mockCredentials.user.header());
      expect(response.status).toBe(200);
      // The database really is the one named: ask it for its version.
      const isPostgres = databaseId.startsWith('POSTGRES');
      const version: string = isPostgres
        ? (await knex.raw('select version() as v')).rows[0].v
        : (await knex.raw('select sqlite_version() as v'))[0].v;
      expect(version).toMatch(isPostgres ? /^PostgreSQL/ : /^3\./);
    },
  );
});

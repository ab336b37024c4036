import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { knotPlugin } from './plugin';
import { createTestDatabases } from './__testUtils__/databases';

const databases = createTestDatabases();

// Migrations run at start-up: PostgreSQL under a loaded machine needs time.
jest.setTimeout(60_000);

describe('knotPlugin on each supported database', () => {
  it.each(databases.eachSupportedId())(
    'starts and answers on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          knotPlugin,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: {
              knot: {
                kubernetes: {
                  kubeconfig: '/nonexistent',
                  healthTimeoutMs: 500,
                },
              },
            },
          }),
        ],
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

import { createTestDatabases } from '@knot-platform/knot-test-utils';
import knexFactory from 'knex';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { migrateExclusively } from './migrateExclusively';

const databases = createTestDatabases();

jest.setTimeout(60_000);

describe('migrateExclusively', () => {
  // Several pools on one database, as several replicas have: PostgreSQL
  // (SQLite here is in memory, one database per pool).
  const [postgres] = databases
    .eachSupportedId()
    .filter(([id]) => String(id).startsWith('POSTGRES'));

  it('lets six replicas migrate one fresh PostgreSQL database at once', async () => {
    // scripts/test always configures PostgreSQL; alone, on SQLite only,
    // there is nothing to race (one process owns the file).
    if (!postgres) return;
    const databaseId = postgres[0];
    {
      const knex = await databases.init(databaseId);
      const config = {
        directory: resolvePackagePath(
          '@knot-platform/plugin-knot-backend',
          'migrations',
        ),
        tableName: 'knot_migrations',
      };
      // Their migrations overlap (without the lock, all but one failed:
      // MigrationLocked, or the table "already exists").
      const others = Array.from({ length: 5 }, () =>
        knexFactory(knex.client.config),
      );
      try {
        await Promise.all(
          [knex, ...others].map(k =>
            migrateExclusively(k, config.tableName, () =>
              k.migrate.latest(config),
            ),
          ),
        );
        const [done] = await knex('knot_migrations').count({ n: '*' });
        const files = await knex.migrate.list(config);
        expect(files[1]).toEqual([]); // nothing pending
        expect(Number(done.n)).toBe(files[0].length);
      } finally {
        await Promise.all(others.map(k => k.destroy()));
      }
    }
  });
});

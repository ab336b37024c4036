import {
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';

/**
 * The databases backend suites run against: the test command starts
 * PostgreSQL and lists it with SQLite in KNOT_TEST_DATABASES; a plain
 * `yarn test` uses SQLite alone.
 */
export function createTestDatabases(): TestDatabases {
  const ids = (process.env.KNOT_TEST_DATABASES ?? 'SQLITE_3')
    .split(',')
    .map(id => id.trim()) as TestDatabaseId[];
  return TestDatabases.create({ ids });
}

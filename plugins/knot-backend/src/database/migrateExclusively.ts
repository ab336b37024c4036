import { createHash } from 'node:crypto';
import type { Knex } from 'knex';

/**
 * Runs a migration (`migrate.latest` of one migrations table) so that
 * several replicas starting at once on one PostgreSQL take turns: each
 * waits for a transaction-scoped advisory lock named after the table, so
 * the first migrates and the others find the work done. Without it they
 * raced to create the migrations table ("already exists") and for knex's
 * own lock (`MigrationLocked`), and the losers' plugins failed to start.
 * The lock is held on one pooled connection while the migration runs on
 * others, and is released when the transaction ends, whatever happens.
 */
export async function migrateExclusively(
  knex: Knex,
  tableName: string,
  migrate: () => Promise<unknown>,
): Promise<void> {
  if (!/^pg$|postgres/i.test(String(knex.client.config.client))) {
    await migrate(); // SQLite: one process owns the file.
    return;
  }
  // A stable 64-bit key per migrations table.
  const key = createHash('sha256')
    .update(`knot-migrations:${tableName}`)
    .digest()
    .readBigInt64BE(0);
  await knex.transaction(async trx => {
    await trx.raw('select pg_advisory_xact_lock(?)', [key.toString()]);
    await migrate();
  });
}

import { Client, type ClientConfig } from 'pg';

/** One key for every replica of the portal (pg_advisory_lock's bigint). */
export const STARTUP_LOCK_KEY = '7271926110438611969';

/**
 * Runs `start` (the backend's start) holding a PostgreSQL session advisory
 * lock, so that replicas sharing one database start one at a time: every
 * plugin (Backstage's own too: auth, catalog, scaffolder, the scheduler)
 * migrates its database at start, and two replicas starting at once on a
 * fresh database raced in knex's migration lock tables (two lock rows, then
 * `MigrationLocked` at every start; found by the two-replica install test).
 * The next replica waits until this one has started; the lock goes with
 * the connection, so a replica that dies while starting releases it.
 * Without a connection (SQLite: one replica) it just starts.
 */
export async function startOneAtATime(
  start: () => Promise<unknown>,
  connection: ClientConfig | undefined,
  log: (message: string) => void,
): Promise<void> {
  if (!connection) {
    await start();
    return;
  }
  const client = new Client(connection);
  // A dropped connection ends the lock; the backend keeps running.
  client.on('error', error => log(`startup lock connection: ${error}`));
  await client.connect();
  try {
    const { rows } = await client.query(
      'select pg_try_advisory_lock($1) as locked',
      [STARTUP_LOCK_KEY],
    );
    if (!rows[0].locked) {
      log('Waiting for another replica of the portal to finish starting');
      await client.query('select pg_advisory_lock($1)', [STARTUP_LOCK_KEY]);
    }
    await start();
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The startup lock's connection from the environment (the chart sets it
 * with PostgreSQL): KNOT_STARTUP_LOCK_HOST, _PORT, _USER and
 * POSTGRES_PASSWORD, database `postgres`.
 */
export function startupLockConnection(
  env: NodeJS.ProcessEnv,
): ClientConfig | undefined {
  if (!env.KNOT_STARTUP_LOCK_HOST) return undefined;
  return {
    host: env.KNOT_STARTUP_LOCK_HOST,
    port: Number(env.KNOT_STARTUP_LOCK_PORT ?? 5432),
    user: env.KNOT_STARTUP_LOCK_USER,
    password: env.POSTGRES_PASSWORD,
    database: 'postgres',
  };
}

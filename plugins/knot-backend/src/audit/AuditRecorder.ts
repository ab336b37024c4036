import type { Knex } from 'knex';
import { withoutControls, type AuditRecord } from './AuditLog';

/** What a feature needs to record its actions (the AuditLog, or a test's). */
export interface AuditRecorder {
  record(entry: AuditRecord, tx?: Knex.Transaction): Promise<void>;
}

/** For routers built without an audit log (their own unit tests). */
export const notAudited: AuditRecorder = { record: async () => {} };

/** The step that records `entry` in a store's transaction. */
export const recordIn =
  (audit: AuditRecorder, entry: AuditRecord) => (tx: Knex.Transaction) =>
    audit.record(entry, tx);

/**
 * Runs an action whose change is outside the database (helm, Kubernetes,
 * files) and records its outcome after it: success, or failure and the
 * error rethrown. The entry never changes the action's answer.
 */
export async function recordOutcome<T>(
  audit: AuditRecorder,
  entry: AuditRecord,
  action: () => Promise<T>,
): Promise<T> {
  try {
    const result = await action();
    await audit.record({ ...entry, result: 'success' });
    return result;
  } catch (error) {
    await audit.record({
      ...entry,
      result: 'failure',
      details: { ...entry.details, error: errorName(error) },
    });
    throw error;
  }
}

/** The kind of error, not its message: messages may carry paths or values. */
function errorName(error: unknown): string {
  const e = error as { name?: string };
  return typeof e?.name === 'string' ? e.name.slice(0, 64) : 'Error';
}

/**
 * Runs an action that records its own success in its transaction, and
 * records its failure (the rolled-back transaction took no entry with it).
 */
export async function recordFailureOf<T>(
  audit: AuditRecorder,
  entry: AuditRecord,
  action: () => Promise<T>,
): Promise<T> {
  try {
    return await action();
  } catch (error) {
    await audit.record({
      ...entry,
      result: 'failure',
      details: { ...entry.details, error: errorName(error) },
    });
    throw error;
  }
}

/**
 * A value the client sent, as an audit entry shows it: a string, clipped,
 * its control characters replaced (in details too, where the log's own
 * columns would not catch them); anything else as nothing. Never String()
 * it: an object's toString is the client's.
 */
export function clientText(value: unknown, max = 63): string {
  return typeof value === 'string' ? withoutControls(value.slice(0, max)) : '';
}

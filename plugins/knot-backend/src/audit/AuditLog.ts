import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  AuditAction,
  AuditResult,
  KnotAuditEntry,
} from '@knot-platform/plugin-knot-common';
import type { Knex } from 'knex';

const AUDIT = 'knot_audit_log';

/** What a caller records: the action and who did it, as whom, on what. */
export interface AuditRecord {
  action: AuditAction;
  /** The signed-in user ('system' for Knot's own actions). */
  actor: string;
  actingProfile?: string;
  /** What was acted on, e.g. `service alice/web`. */
  target?: string;
  /** The profile the target belongs to (users see entries about theirs). */
  targetProfile?: string;
  result?: AuditResult;
  sourceIp?: string;
  /** Never secrets, file contents or credentials. */
  details?: Record<string, unknown>;
}

/** A profile whose entries a reader may see: from `since` on, if given. */
export interface ProfileSince {
  name: string;
  /** The profile's creation: entries before it are a former holder's. */
  since?: Date;
}

/** Which entries a reader asks for; `profiles` limits to entries about them. */
export interface AuditFilter {
  user?: string;
  profile?: string;
  action?: AuditAction;
  from?: Date;
  to?: Date;
  /**
   * Only entries whose acting or target profile is one of these, each from
   * its `since` on (the log outlives a deleted user or team; a new one of
   * the same name must not read its entries).
   */
  profiles?: ProfileSince[];
}

interface AuditRow {
  id: number | string;
  at: Date | string | number;
  action: string;
  actor: string;
  acting_profile: string | null;
  target: string | null;
  target_profile: string | null;
  result: string;
  source_ip: string | null;
  details: string | null;
}

/**
 * Text as an entry keeps it: control characters (newlines, terminal escapes)
 * as U+FFFD, so that a value cannot pose as more lines or entries in a log
 * viewer. Replaced, not dropped: `alice` and a newline must not read `alice`.
 */
export function withoutControls(text: string): string {
  return text.replace(/\p{Cc}/gu, '\uFFFD');
}

/** Most characters of an entry's details (JSON): a bound on each row. */
export const MAX_DETAILS_CHARS = 16 * 1024;

/**
 * Details as a row keeps them: past {@link MAX_DETAILS_CHARS}, only that
 * they were too long (a request of 100 KB of values must not write 100 KB
 * into a log kept for a year).
 */
function storedDetails(details: Record<string, unknown> | undefined) {
  if (!details) return null;
  const text = JSON.stringify(details);
  if (text.length <= MAX_DETAILS_CHARS) return text;
  return JSON.stringify({
    truncated: `${text.length} characters of details, more than an entry keeps`,
  });
}

const clip = (value: string | undefined, length: number) =>
  value === undefined ? null : withoutControls(value.slice(0, length));

function toEntry(row: AuditRow): KnotAuditEntry {
  return {
    id: Number(row.id),
    // SQLite returns epoch milliseconds, PostgreSQL Dates.
    at: new Date(row.at).toISOString(),
    action: row.action as AuditAction,
    actor: row.actor,
    actingProfile: row.acting_profile ?? undefined,
    target: row.target ?? undefined,
    targetProfile: row.target_profile ?? undefined,
    result: row.result === 'failure' ? 'failure' : 'success',
    sourceIp: row.source_ip ?? undefined,
    details: row.details ? JSON.parse(row.details) : undefined,
  };
}

/**
 * Knot's audit log, in the plugin's database. Recording never throws: an
 * action that happened must not fail because its entry could not be
 * written; the failure is logged and counted ({@link failures}).
 */
export class AuditLog {
  private failureCount = 0;

  constructor(
    private readonly knex: Knex,
    private readonly logger: LoggerService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** How many entries could not be written since start (the health route). */
  get failures(): number {
    return this.failureCount;
  }

  /**
   * Records one entry; inside `tx` when given, so that the entry commits or
   * rolls back with the change it records. Inside a transaction the insert
   * runs in a savepoint: its failure leaves the transaction usable
   * (PostgreSQL aborts a transaction at its first failed statement).
   */
  async record(entry: AuditRecord, tx?: Knex.Transaction): Promise<void> {
    const row: Omit<AuditRow, 'id'> = {
      at: this.now(),
      action: entry.action,
      actor: withoutControls(entry.actor.slice(0, 63)),
      acting_profile: clip(entry.actingProfile, 63),
      target: clip(entry.target, 512),
      target_profile: clip(entry.targetProfile, 63),
      result: entry.result ?? 'success',
      source_ip: clip(entry.sourceIp, 64),
      details: storedDetails(entry.details),
    };
    try {
      if (tx) {
        await tx.transaction(savepoint => savepoint(AUDIT).insert(row));
      } else {
        await this.knex(AUDIT).insert(row);
      }
    } catch (error) {
      this.failureCount++;
      // The row's text, not the caller's: control characters replaced.
      this.logger.error(
        `Could not write the audit entry ${row.action} by ${row.actor} on ${
          row.target ?? '-'
        }: ${String(error)}`,
      );
    }
  }

  private query(filter: AuditFilter): Knex.QueryBuilder<AuditRow> {
    const query = this.knex<AuditRow>(AUDIT);
    if (filter.user) query.where('actor', filter.user);
    if (filter.action) query.where('action', filter.action);
    if (filter.profile) {
      const profile = filter.profile;
      query.where(q =>
        q.where('acting_profile', profile).orWhere('target_profile', profile),
      );
    }
    if (filter.from) query.where('at', '>=', filter.from);
    if (filter.to) query.where('at', '<', filter.to);
    if (filter.profiles) {
      const profiles = filter.profiles;
      query.where(q => {
        // No profile, no entry (an empty group would filter nothing).
        if (profiles.length === 0) q.whereRaw('1 = 0');
        for (const { name, since } of profiles) {
          q.orWhere(about => {
            about.where(p =>
              p.where('acting_profile', name).orWhere('target_profile', name),
            );
            if (since) about.where('at', '>=', since);
          });
        }
      });
    }
    return query;
  }

  /** One page of entries, newest first; `before` is the previous page's end. */
  async list(
    filter: AuditFilter,
    page: { before?: number; limit: number },
  ): Promise<{ items: KnotAuditEntry[]; nextBefore?: number }> {
    const query = this.query(filter)
      .orderBy('id', 'desc')
      .limit(page.limit + 1);
    if (page.before !== undefined) query.where('id', '<', page.before);
    const rows = (await query) as AuditRow[];
    const items = rows.slice(0, page.limit).map(toEntry);
    return {
      items,
      nextBefore:
        rows.length > page.limit ? items[items.length - 1].id : undefined,
    };
  }

  /**
   * Every matching entry, oldest first, read in batches so that an export
   * of the whole log never sits in memory at once.
   */
  async *entries(
    filter: AuditFilter,
    batchSize = 500,
  ): AsyncGenerator<KnotAuditEntry> {
    let after = 0;
    for (;;) {
      const rows = (await this.query(filter)
        .where('id', '>', after)
        .orderBy('id', 'asc')
        .limit(batchSize)) as AuditRow[];
      for (const row of rows) yield toEntry(row);
      if (rows.length < batchSize) return;
      after = Number(rows[rows.length - 1].id);
    }
  }

  /** Deletes entries older than `days` days; answers how many. */
  async prune(days: number): Promise<number> {
    const cutoff = new Date(this.now().getTime() - days * 86_400_000);
    return this.knex(AUDIT).where('at', '<', cutoff).delete();
  }
}

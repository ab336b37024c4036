import type { Config } from '@backstage/config';

/** `knot.audit`: how long the audit log keeps its entries. */
export interface AuditConfig {
  /** Entries older than this many days are deleted (daily). */
  retentionDays: number;
}

export const DEFAULT_AUDIT_RETENTION_DAYS = 365;

export function readAuditConfig(config: Config): AuditConfig {
  const retentionDays =
    config.getOptionalNumber('knot.audit.retentionDays') ??
    DEFAULT_AUDIT_RETENTION_DAYS;
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new Error(
      `knot.audit.retentionDays must be a whole number of days, 1 or more (got ${retentionDays})`,
    );
  }
  return { retentionDays };
}

import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  KnotAuditPage,
  KnotAuditQuery,
} from '@knot-platform/plugin-knot-common';

/** The audit log: admins read and export it; users read their own entries. */
export interface AuditApi {
  /**
   * A page of entries, newest first. Admins get every entry (filtered);
   * with `mine` — and for everyone else — only those about the caller's
   * own profiles.
   */
  list(
    query: KnotAuditQuery,
    options?: { mine?: boolean },
  ): Promise<KnotAuditPage>;
  /** The filtered log as a file (admins): CSV, or JSON lines. */
  exportLog(query: KnotAuditQuery, format: 'csv' | 'json'): Promise<Blob>;
}

export const auditApiRef = createApiRef<AuditApi>({
  id: 'plugin.knot.audit',
});

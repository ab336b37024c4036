import type {
  KnotAuditPage,
  KnotAuditQuery,
} from '@knot-platform/plugin-knot-common';
import type { AuditApi } from './AuditApi';
import { KnotFetch, type KnotFetchOptions } from './KnotFetch';

/** The query string of a filter: only what is set. */
export function auditQueryString(
  query: KnotAuditQuery,
  extra: Record<string, string> = {},
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...query, ...extra })) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Talks to knot-backend's audit routes. */
export class AuditClient implements AuditApi {
  private readonly backend: KnotFetch;

  constructor(options: KnotFetchOptions) {
    this.backend = new KnotFetch(options);
  }

  list(query: KnotAuditQuery, options: { mine?: boolean } = {}) {
    return this.backend.json<KnotAuditPage>(
      `/audit${auditQueryString(query, options.mine ? { mine: 'true' } : {})}`,
    );
  }

  async exportLog(query: KnotAuditQuery, format: 'csv' | 'json') {
    const response = await this.backend.fetch(
      `/audit/export${auditQueryString(query, { format })}`,
    );
    return response.blob();
  }
}

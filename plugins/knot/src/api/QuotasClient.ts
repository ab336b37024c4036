import type {
  ProfileQuota,
  ProfileQuotaList,
  QuotaOverridesResult,
} from '@knot-platform/plugin-knot-common';
import { KnotFetch, type KnotFetchOptions } from './KnotFetch';
import type { QuotasApi } from './QuotasApi';

/** Talks to knot-backend's `/api/knot/quota` and `/admin/quotas`. */
export class QuotasClient implements QuotasApi {
  private readonly backend: KnotFetch;

  constructor(options: KnotFetchOptions) {
    this.backend = new KnotFetch(options);
  }

  getQuota(): Promise<ProfileQuota> {
    return this.backend.json<ProfileQuota>('/quota');
  }

  listQuotas(): Promise<ProfileQuotaList> {
    return this.backend.json<ProfileQuotaList>('/admin/quotas');
  }

  setQuotaOverrides(
    profile: string,
    quota: Record<string, string>,
  ): Promise<QuotaOverridesResult> {
    const path = `/admin/quotas/${encodeURIComponent(profile)}`;
    return this.backend.json<QuotaOverridesResult>(
      path,
      Object.keys(quota).length === 0
        ? { method: 'DELETE' }
        : { method: 'PUT', json: { quota } },
    );
  }
}

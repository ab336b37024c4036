import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  ProfileQuota,
  ProfileQuotaList,
  QuotaOverridesResult,
} from '@knot-platform/plugin-knot-common';

/** Quotas: the acting profile's usage; every profile's, for admins. */
export interface QuotasApi {
  /** The acting profile's used / limit per resource. */
  getQuota(): Promise<ProfileQuota>;
  /** Every profile's quota and usage (admins). */
  listQuotas(): Promise<ProfileQuotaList>;
  /** Replaces a profile's overrides (admins); `{}` clears them. */
  setQuotaOverrides(
    profile: string,
    quota: Record<string, string>,
  ): Promise<QuotaOverridesResult>;
}

export const quotasApiRef = createApiRef<QuotasApi>({
  id: 'plugin.knot.quotas',
});

import type {
  ProfileSource,
  ProvisioningTarget,
} from '../provisioning/ProfileSource';
import { namespaceQuota } from './effectiveQuota';
import type { QuotaOverrideStore } from './QuotaOverrideStore';

/**
 * A profile source whose profiles carry the admins' quota overrides: each
 * target's quota (its app-config one) with the database's overrides over
 * it, so the reconciler writes default ← profile config ← override into the
 * namespace's ResourceQuota.
 */
export class QuotaOverridesSource implements ProfileSource {
  constructor(
    private readonly source: ProfileSource,
    private readonly overrides: Pick<QuotaOverrideStore, 'listAll'>,
  ) {}

  async listProfiles(): Promise<ProvisioningTarget[]> {
    const [targets, overrides] = await Promise.all([
      this.source.listProfiles(),
      this.overrides.listAll(),
    ]);
    return targets.map(target => {
      const override = namespaceQuota(overrides.get(target.name) ?? {});
      return Object.keys(override).length === 0
        ? target
        : { ...target, quota: { ...target.quota, ...override } };
    });
  }
}

import type { Config } from '@backstage/config';
import { stringMap } from './ProvisioningConfig';
import type { ProfileSource, ProvisioningTarget } from './ProfileSource';

/**
 * TEMPORARY development source: profiles listed in app-config under
 * `knot.provisioning.profiles`. Replaced by the identity store's source when
 * users exist.
 */
export class ConfigProfileSource implements ProfileSource {
  constructor(private readonly config: Config) {}

  async listProfiles(): Promise<ProvisioningTarget[]> {
    const entries =
      this.config.getOptionalConfigArray('knot.provisioning.profiles') ?? [];
    return entries.map(entry => {
      return {
        name: entry.getString('name'),
        isTeam: entry.getOptionalBoolean('isTeam') ?? false,
        active: entry.getOptionalBoolean('active') ?? true,
        quota: stringMap(entry, 'quota'),
      };
    });
  }
}

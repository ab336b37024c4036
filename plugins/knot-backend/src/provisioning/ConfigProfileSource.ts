import type { Config } from '@backstage/config';
import { stringMap } from './ProvisioningConfig';
import type { ProfileSource, ProvisioningTarget } from './ProfileSource';

/**
 * Profiles listed in app-config under `knot.provisioning.profiles`: the
 * static profiles provisioned besides the user store's (see
 * StoreProfileSource), and the whole source in tests.
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

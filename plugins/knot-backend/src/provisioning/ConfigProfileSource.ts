import type { ProfileSource, ProvisioningTarget } from './ProfileSource';

/**
 * Profiles listed in app-config under `knot.provisioning.profiles`: the
 * static profiles provisioned besides the user store's (see
 * StoreProfileSource), and the whole source in tests.
 */
export class ConfigProfileSource implements ProfileSource {
  constructor(private readonly profiles: readonly ProvisioningTarget[]) {}

  async listProfiles(): Promise<ProvisioningTarget[]> {
    return [...this.profiles];
  }
}

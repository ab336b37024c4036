import type { UserStore } from '../identity/UserStore';
import type { ProfileSource, ProvisioningTarget } from './ProfileSource';

/**
 * Provisioning's profiles: every active user and team of Knot's user store,
 * plus the static profiles of `knot.provisioning.profiles` (development: the
 * guest user, who is not in the store).
 *
 * Deactivated and deleted users are not listed, so the reconciler removes
 * their namespace and volumes; their private folder stays unless
 * `knot.storage.deleteFoldersOnRemoval` is set, and re-activation provisions
 * them again on the same folder.
 */
export class StoreProfileSource implements ProfileSource {
  constructor(
    private readonly store: Pick<UserStore, 'listActiveProfiles'>,
    private readonly extra: ProfileSource,
  ) {}

  async listProfiles(): Promise<ProvisioningTarget[]> {
    const [active, extra] = await Promise.all([
      this.store.listActiveProfiles(),
      this.extra.listProfiles(),
    ]);
    const byName = new Map(extra.map(p => [p.name, p]));
    for (const profile of active) {
      byName.set(profile.name, {
        ...byName.get(profile.name),
        name: profile.name,
        isTeam: profile.team,
        active: true,
      });
    }
    return [...byName.values()];
  }
}

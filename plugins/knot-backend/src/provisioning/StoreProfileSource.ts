import type { UserStore } from '../identity/UserStore';
import type { ProfileSource, ProvisioningTarget } from './ProfileSource';

/**
 * Provisioning's profiles: every approved user and team of Knot's user
 * store, plus the static profiles of `knot.provisioning.profiles`
 * (development: the guest user, who is not in the store).
 *
 * A deactivated user is listed inactive: the reconciler suspends it (its
 * workloads scaled to zero, its RoleBinding removed, a quota of no pods) and
 * keeps its namespace, releases, volumes and data; reactivation resumes it.
 * Only deleted users (and accounts never approved) are not listed, so the
 * reconciler removes their namespace and volumes; their private folder stays
 * unless `knot.storage.deleteFoldersOnRemoval` is set.
 */
export class StoreProfileSource implements ProfileSource {
  constructor(
    private readonly store: Pick<
      UserStore,
      'listApprovedProfiles' | 'membersOf'
    >,
    private readonly extra: ProfileSource,
  ) {}

  async listProfiles(): Promise<ProvisioningTarget[]> {
    const [approved, extra] = await Promise.all([
      this.store.listApprovedProfiles(),
      this.extra.listProfiles(),
    ]);
    const byName = new Map(extra.map(p => [p.name, p]));
    for (const profile of approved) {
      byName.set(profile.name, {
        ...byName.get(profile.name),
        name: profile.name,
        isTeam: profile.team,
        active: profile.active,
        ...(profile.team
          ? {
              members: (await this.store.membersOf(profile.name))
                .filter(m => m.active)
                .map(m => ({ name: m.username, role: m.role })),
            }
          : {}),
      });
    }
    return [...byName.values()];
  }
}

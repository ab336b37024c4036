import type { UserStore } from '../identity/UserStore';
import type { StoreProfileAccess } from '../profiles/StoreProfileAccess';
import type { ServiceShares } from './ServiceShares';

/** Whether a share lets a user into another profile's service. */
export interface ShareAccess {
  admits(username: string, owner: string, service: string): Promise<boolean>;
}

/**
 * Forward-auth's share rule, read from the database on every call (nothing
 * cached: a revoked share closes the service on the next request). A user
 * who may not act as a service's owner is let in by an unexpired share of
 * that very service (owner and release) that names them, or an active team
 * they are a member of now, while they are active themselves and the
 * share's creator may still manage the owner's services (a member who left
 * the owner's team takes their shares' effect along).
 */
export class ServiceShareAccess implements ShareAccess {
  constructor(
    private readonly shares: Pick<ServiceShares, 'grantsFor'>,
    private readonly store: Pick<UserStore, 'getUser'>,
    private readonly access: Pick<StoreProfileAccess, 'refusalFor'>,
  ) {}

  async admits(
    username: string,
    owner: string,
    service: string,
  ): Promise<boolean> {
    const grants = await this.shares.grantsFor(username, { owner, service });
    if (grants.length === 0) return false;
    const user = await this.store.getUser(username);
    if (!user?.active || user.team) return false;
    for (const grant of grants) {
      if (grant.granteeIsTeam) {
        const team = await this.store.getUser(grant.grantee);
        if (!team?.active) continue;
      }
      if (
        (await this.access.refusalFor(grant.createdBy, owner)) === undefined
      ) {
        return true;
      }
    }
    return false;
  }
}

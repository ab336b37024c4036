import type { UserStore } from './UserStore';

/**
 * The one answer to "is this user a Knot admin": an active admin of the user
 * store, or a name listed in `knot.identity.admins` (unless the store holds
 * that name as a deactivated account). Knot's permission policy grants
 * Knot's permissions to exactly these users, the acting-profile rule lets
 * them act as anyone, and without the permission framework the admin routes
 * ask this directly.
 */
export class KnotAdmins {
  constructor(
    private readonly store: Pick<UserStore, 'getUser'>,
    private readonly listed: readonly string[],
  ) {}

  async isAdmin(username: string): Promise<boolean> {
    const user = await this.store.getUser(username);
    if (user && !user.active) return false;
    if (this.listed.includes(username)) return true;
    return Boolean(user?.admin);
  }
}

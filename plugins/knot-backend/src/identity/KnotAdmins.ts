import { isReservedUsername } from '@knot-platform/plugin-knot-common';
import type { UserStore } from './UserStore';

/**
 * The one answer to "is this user a Knot admin": an active admin of the user
 * store, or a name listed in `knot.identity.admins` (unless the store holds
 * that name as a deactivated account). A listed reserved name (the
 * development `guest`) means a user outside the store only: an account of
 * the store with that name (signed up before the name was reserved) gets no
 * admin right from the list. Knot's permission policy grants
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
    const storeAccountOfReservedName = user && isReservedUsername(username);
    if (this.listed.includes(username) && !storeAccountOfReservedName) {
      return true;
    }
    return Boolean(user?.admin);
  }
}

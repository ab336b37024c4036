import { parseEntityRef } from '@backstage/catalog-model';
import {
  profileOwnerRef,
  teamRoleMay,
  type ActingProfiles,
} from '@knot-platform/plugin-knot-common';
import type { ProfileAccess } from '@knot-platform/plugin-knot-node';
import type { KnotAdmins } from '../identity/KnotAdmins';
import type { UserStore } from '../identity/UserStore';

/**
 * Whether a user may act as a profile by its own standing (itself, a team it
 * is a member of); when not, whether acting as it would be impersonation,
 * which only a Knot admin may do.
 */
export type ProfileAccessCheck =
  | { allowed: true }
  | { allowed: false; reason: string; impersonation: boolean };

/**
 * Who may act as which profile, from the user store: a user as themself, a
 * team member as the team, a Knot admin as any active user or team. The one
 * rule behind the HTTP acting profile (StoreProfileResolver) and the
 * profile-access routes other plugins ask.
 */
export class StoreProfileAccess implements ProfileAccess {
  constructor(
    private readonly store: Pick<UserStore, 'getUser' | 'roleIn' | 'teamsOf'>,
    private readonly admins: Pick<KnotAdmins, 'isAdmin'>,
  ) {}

  /**
   * `actor` (a username) acting as `profile`, without admin rights: to
   * `read` (look: list services, files, datasets) or to `write` (deploy,
   * delete, change values or files, open the team's services). A team's
   * viewers may only read.
   */
  async check(
    actor: string,
    profile: string,
    mode: 'read' | 'write' = 'write',
  ): Promise<ProfileAccessCheck> {
    const refuse = (reason: string, impersonation = false) => ({
      allowed: false as const,
      reason,
      impersonation,
    });
    const actorAccount = await this.store.getUser(actor);
    // A deactivated user keeps no rights, even with a live session. A
    // signed-in user unknown to the store (e.g. development guest) may still
    // act as themself.
    if (actorAccount && !actorAccount.active) {
      return refuse(`The account '${actor}' is not active`);
    }
    if (profile === actor) return { allowed: true };
    const target = await this.store.getUser(profile);
    if (!target?.active) {
      return refuse(`There is no active user or team '${profile}'`);
    }
    const role = target.team
      ? await this.store.roleIn(profile, actor)
      : undefined;
    if (role && (mode === 'read' || teamRoleMay(role, 'write'))) {
      return { allowed: true };
    }
    if (role) {
      return refuse(
        `As a viewer of team '${profile}' you may look, but not deploy, delete or change files`,
        true,
      );
    }
    return refuse(
      target.team
        ? `You are not a member of team '${profile}'`
        : `You may not act as user '${profile}'`,
      true,
    );
  }

  /** Why `actor` (a username) may not act as `profile`; undefined if it may. */
  async refusalFor(
    actor: string,
    profile: string,
  ): Promise<string | undefined> {
    const check = await this.check(actor, profile);
    if (check.allowed) return undefined;
    if (check.impersonation && (await this.admins.isAdmin(actor))) {
      return undefined;
    }
    return check.reason;
  }

  async refusal(userRef: string, profile: string): Promise<string | undefined> {
    const actor = parseEntityRef(userRef, { defaultKind: 'user' }).name;
    return this.refusalFor(actor, profile);
  }

  async canActAs(userRef: string, profile: string): Promise<boolean> {
    return (await this.refusal(userRef, profile)) === undefined;
  }

  async ownerRef(profile: string): Promise<string> {
    const account = await this.store.getUser(profile);
    return profileOwnerRef(profile, Boolean(account?.team));
  }

  /** The same rule, listed: self and active teams, or everything for an admin. */
  async actingProfilesOf(actor: string): Promise<ActingProfiles> {
    const account = await this.store.getUser(actor);
    if (account && !account.active) {
      return { admin: false, profiles: [], active: false };
    }
    if (await this.admins.isAdmin(actor)) {
      return { admin: true, profiles: [actor], active: true };
    }
    const teams: string[] = [];
    for (const team of await this.store.teamsOf(actor)) {
      if ((await this.store.getUser(team))?.active) teams.push(team);
    }
    return { admin: false, profiles: [actor, ...teams], active: true };
  }

  async actingProfiles(userRef: string): Promise<ActingProfiles> {
    return this.actingProfilesOf(
      parseEntityRef(userRef, { defaultKind: 'user' }).name,
    );
  }
}

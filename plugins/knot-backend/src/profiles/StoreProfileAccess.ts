import { parseEntityRef } from '@backstage/catalog-model';
import type { UserStore } from '../users/UserStore';
import type { ActingProfiles, ProfileAccess } from './ProfileAccess';

/**
 * Who may act as which profile, from the user store: a user as themself, a
 * team member as the team, an admin as any active user or team. The one rule
 * behind both the HTTP acting profile (StoreProfileResolver) and the
 * scaffolder's `profile` parameter.
 */
export class StoreProfileAccess implements ProfileAccess {
  constructor(
    private readonly store: Pick<UserStore, 'getUser' | 'isMember' | 'teamsOf'>,
  ) {}

  /** Why `actor` (a username) may not act as `profile`; undefined if it may. */
  async refusalFor(
    actor: string,
    profile: string,
  ): Promise<string | undefined> {
    const actorAccount = await this.store.getUser(actor);
    // A deactivated user keeps no rights, even with a live session. A
    // signed-in user unknown to the store (e.g. development guest) may still
    // act as themself.
    if (actorAccount && !actorAccount.active) {
      return `The account '${actor}' is not active`;
    }
    if (profile === actor) return undefined;
    const target = await this.store.getUser(profile);
    if (!target?.active) {
      return `There is no active user or team '${profile}'`;
    }
    if (actorAccount?.admin) return undefined;
    if (target.team && (await this.store.isMember(profile, actor))) {
      return undefined;
    }
    return target.team
      ? `You are not a member of team '${profile}'`
      : `You may not act as user '${profile}'`;
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
    return account?.team
      ? `group:default/${profile}`
      : `user:default/${profile}`;
  }

  /** The same rule, listed: self and active teams, or everything for an admin. */
  async actingProfilesOf(actor: string): Promise<ActingProfiles> {
    const account = await this.store.getUser(actor);
    if (account && !account.active) return { admin: false, profiles: [] };
    if (account?.admin) return { admin: true, profiles: [actor] };
    const teams: string[] = [];
    for (const team of await this.store.teamsOf(actor)) {
      if ((await this.store.getUser(team))?.active) teams.push(team);
    }
    return { admin: false, profiles: [actor, ...teams] };
  }

  async actingProfiles(userRef: string): Promise<ActingProfiles> {
    return this.actingProfilesOf(
      parseEntityRef(userRef, { defaultKind: 'user' }).name,
    );
  }
}

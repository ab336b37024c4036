import { createServiceFactory } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { profileOwnerRef } from '@knot-platform/plugin-knot-common';
import {
  profileAccessServiceRef,
  type ProfileAccess,
} from '@knot-platform/plugin-knot-node';

/** Who may act as whom in a {@link mockProfileAccess}. */
export interface MockProfileAccessOptions {
  /** Teams and their members; a member may act as its team. */
  teams?: Record<string, string[]>;
  /** Users who may act as anyone. */
  admins?: string[];
  /** Users whose account is not active: they may act as nobody. */
  inactive?: string[];
}

/**
 * A ProfileAccess without the knot plugin: a user acts as itself, a member
 * as its teams, an admin as anyone.
 */
export function mockProfileAccess(
  options: MockProfileAccessOptions = {},
): ProfileAccess {
  const teams = options.teams ?? {};
  const nameOf = (userRef: string) =>
    parseEntityRef(userRef, { defaultKind: 'user' }).name;
  const teamsOf = (user: string) =>
    Object.keys(teams).filter(team => teams[team].includes(user));
  const refusal = async (userRef: string, profile: string) => {
    const user = nameOf(userRef);
    if (options.inactive?.includes(user)) {
      return `The account '${user}' is not active`;
    }
    if (user === profile || options.admins?.includes(user)) return undefined;
    if (teamsOf(user).includes(profile)) return undefined;
    return profile in teams
      ? `You are not a member of team '${profile}'`
      : `You may only act as yourself, not as '${profile}'`;
  };
  return {
    refusal,
    canActAs: async (userRef, profile) =>
      (await refusal(userRef, profile)) === undefined,
    ownerRef: async profile => profileOwnerRef(profile, profile in teams),
    actingProfiles: async userRef => {
      const user = nameOf(userRef);
      if (options.inactive?.includes(user)) {
        return { admin: false, profiles: [], active: false };
      }
      return options.admins?.includes(user)
        ? { admin: true, profiles: [user], active: true }
        : { admin: false, profiles: [user, ...teamsOf(user)], active: true };
    },
  };
}

/** {@link mockProfileAccess} as the backend's `profileAccessServiceRef`. */
mockProfileAccess.factory = (options?: MockProfileAccessOptions) =>
  createServiceFactory({
    service: profileAccessServiceRef,
    deps: {},
    factory: () => mockProfileAccess(options),
  });

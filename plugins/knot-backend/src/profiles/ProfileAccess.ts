import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { HttpProfileAccess } from './HttpProfileAccess';

/**
 * Whether a signed-in user may act as a profile (itself, or a team it belongs
 * to). Used where no HTTP request carries the choice, e.g. scaffolder tasks.
 */
export interface ProfileAccess {
  canActAs(userRef: string, profile: string): Promise<boolean>;
  /** Why the user may not act as the profile, in words; undefined if it may. */
  refusal(userRef: string, profile: string): Promise<string | undefined>;
  /** The catalog owner of a profile's things: `user:…` or, for a team, `group:…`. */
  ownerRef(profile: string): Promise<string>;
  /** Every profile the user may act as, e.g. to show only what is theirs. */
  actingProfiles(userRef: string): Promise<ActingProfiles>;
}

/** The profiles a user may act as: an admin any, others the listed ones. */
export interface ActingProfiles {
  admin: boolean;
  /** The user itself and its teams; empty for an inactive account. */
  profiles: string[];
}

/** A user may act only as itself (tests, and backends without teams). */
export class SelfOnlyProfileAccess implements ProfileAccess {
  async refusal(userRef: string, profile: string) {
    return parseEntityRef(userRef, { defaultKind: 'user' }).name === profile
      ? undefined
      : `You may only act as yourself, not as '${profile}'`;
  }

  async canActAs(userRef: string, profile: string): Promise<boolean> {
    return (await this.refusal(userRef, profile)) === undefined;
  }

  async ownerRef(profile: string): Promise<string> {
    return `user:default/${profile}`;
  }

  async actingProfiles(userRef: string): Promise<ActingProfiles> {
    const self = parseEntityRef(userRef, { defaultKind: 'user' }).name;
    return { admin: false, profiles: [self] };
  }
}

/**
 * The ProfileAccess of plugins other than knot (the scaffolder's
 * `knot:helm:install`, the catalog's release Components). By default it asks
 * the knot plugin, which owns the user store (self, team member → team, admin
 * → anyone); override with `createServiceFactory({ service:
 * profileAccessServiceRef, ... })`.
 */
export const profileAccessServiceRef = createServiceRef<ProfileAccess>({
  id: 'knot.profile-access',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { discovery: coreServices.discovery, auth: coreServices.auth },
      factory: ({ discovery, auth }) => new HttpProfileAccess(discovery, auth),
    }),
});

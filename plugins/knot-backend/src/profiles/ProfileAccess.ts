import {
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';

/**
 * Whether a signed-in user may act as a profile (itself, or a team it belongs
 * to). Used where no HTTP request carries the choice, e.g. scaffolder tasks.
 * Identity wires the team-aware implementation.
 */
export interface ProfileAccess {
  canActAs(userRef: string, profile: string): Promise<boolean>;
  /** The catalog owner of a profile's things: `user:…` or, for a team, `group:…`. */
  ownerRef(profile: string): Promise<string>;
}

/** Until teams exist: a user may act only as itself. */
export class SelfOnlyProfileAccess implements ProfileAccess {
  async canActAs(userRef: string, profile: string): Promise<boolean> {
    return parseEntityRef(userRef, { defaultKind: 'user' }).name === profile;
  }

  async ownerRef(profile: string): Promise<string> {
    return `user:default/${profile}`;
  }
}

/**
 * The ProfileAccess every Knot feature uses. Identity overrides the default
 * with a team-aware factory (`createServiceFactory({ service: profileAccessServiceRef, ... })`).
 */
export const profileAccessServiceRef = createServiceRef<ProfileAccess>({
  id: 'knot.profile-access',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {},
      factory: () => new SelfOnlyProfileAccess(),
    }),
});

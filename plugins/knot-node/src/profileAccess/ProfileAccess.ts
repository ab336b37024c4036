import {
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import type { ActingProfiles } from '@knot-platform/plugin-knot-common';
import { knotServiceRef } from '../client/KnotService';
import { KnotProfileAccess } from './KnotProfileAccess';

/**
 * Whether a signed-in user may act as a profile (itself, a team it belongs
 * to, any profile for a Knot admin). Used where no HTTP request carries the
 * choice, e.g. Knot's permission policy.
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

/**
 * The ProfileAccess of plugins other than knot (e.g. the permission
 * policy). By default it asks the knot plugin, which owns the user store,
 * through `knotServiceRef`, and keeps answers briefly (see
 * KnotProfileAccess); override with `createServiceFactory({ service:
 * profileAccessServiceRef, ... })`.
 */
export const profileAccessServiceRef = createServiceRef<ProfileAccess>({
  id: 'knot.profile-access',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { knot: knotServiceRef },
      factory: ({ knot }) => new KnotProfileAccess(knot),
    }),
});

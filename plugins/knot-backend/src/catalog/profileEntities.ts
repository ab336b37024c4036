import type { Entity } from '@backstage/catalog-model';
import type { KnotCatalogProfiles } from '@knot-platform/plugin-knot-common';

/** The location every Knot-provided entity claims to come from. */
export const KNOT_PROFILES_LOCATION = 'knot:profiles';

const annotations = {
  'backstage.io/managed-by-location': KNOT_PROFILES_LOCATION,
  'backstage.io/managed-by-origin-location': KNOT_PROFILES_LOCATION,
};

/** A User per active user and a Group per active team. */
export function profileEntities(profiles: KnotCatalogProfiles): Entity[] {
  const users: Entity[] = profiles.users.map(user => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: user.username, annotations },
    spec: {
      profile: {
        displayName: user.username,
        ...(user.email ? { email: user.email } : {}),
      },
      memberOf: user.teams,
    },
  }));
  const groups: Entity[] = profiles.teams.map(team => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: team.name, annotations },
    spec: { type: 'team', children: [], members: team.members },
  }));
  return [...users, ...groups];
}

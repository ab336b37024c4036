import type { Entity } from '@backstage/catalog-model';
import type { UserStore } from '../identity/UserStore';

/** Knot's active users and teams, as the catalog shows them. */
export interface KnotCatalogProfiles {
  users: Array<{ username: string; email?: string; teams: string[] }>;
  teams: Array<{ name: string; members: string[] }>;
}

/**
 * The active users (with their active teams) and the active teams (with
 * their active members) of the user store.
 */
export async function catalogProfiles(
  store: Pick<UserStore, 'listActiveProfiles' | 'listTeams' | 'listUsers'>,
): Promise<KnotCatalogProfiles> {
  const [activeProfiles, teams, users] = await Promise.all([
    store.listActiveProfiles(),
    store.listTeams(),
    store.listUsers(),
  ]);
  const active = new Set(activeProfiles.map(p => p.name));
  return {
    users: users
      .filter(u => u.active)
      .map(u => ({
        username: u.username,
        email: u.email,
        teams: teams
          .filter(t => t.members.includes(u.username))
          .map(t => t.name),
      })),
    teams: teams
      .filter(t => active.has(t.name))
      .map(t => ({
        name: t.name,
        members: t.members.filter(m => active.has(m)),
      })),
  };
}

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

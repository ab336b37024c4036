import type { Knex } from 'knex';

/** The users and teams a suite starts with. */
export interface KnotUsersSeed {
  /** Active users. */
  users?: string[];
  /** Users who signed up and await approval. */
  pending?: string[];
  /** Active users who are Knot admins. */
  admins?: string[];
  /** Active teams and their members. */
  teams?: Record<string, string[]>;
}

/**
 * Puts users and teams into the knot plugin's tables of `knex` (after the
 * plugin has migrated them), as the user store keeps them; they have no
 * password. For suites of other packages, which cannot reach the plugin's
 * store; `identity/seedKnotUsers.test.ts` in the knot plugin checks that the
 * store reads them back as written.
 */
export async function seedKnotUsers(
  knex: Knex,
  seed: KnotUsersSeed,
): Promise<void> {
  const now = new Date();
  const row = (username: string, fields: Record<string, boolean>) => {
    const active = fields.active ?? true;
    return {
      username,
      email: null,
      password_hash: null,
      active,
      admin: false,
      is_team: false,
      created_at: now,
      updated_at: now,
      ...fields,
      // Active accounts were approved (a pending one never was).
      approved_at: active ? now : null,
    };
  };
  const rows = [
    ...(seed.users ?? []).map(name => row(name, {})),
    ...(seed.pending ?? []).map(name => row(name, { active: false })),
    ...(seed.admins ?? []).map(name => row(name, { admin: true })),
    ...Object.keys(seed.teams ?? {}).map(name => row(name, { is_team: true })),
  ];
  if (rows.length) await knex('knot_users').insert(rows);
  const members = Object.entries(seed.teams ?? {}).flatMap(([team, names]) =>
    names.map(member => ({ team, member })),
  );
  if (members.length) await knex('knot_team_members').insert(members);
}

import {
  resolvePackagePath,
  type DatabaseService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  GUEST_USERNAME,
  isTeamRole,
  type KnotTeamMember,
  type TeamRole,
  USERNAME_PATTERN,
  usernameProblem,
  type KnotTeam,
  type KnotUser,
} from '@knot-platform/plugin-knot-common';
import type { KnotProfileChange } from '@knot-platform/plugin-knot-node';
import type { Knex } from 'knex';
import { hashPassword, passwordProblem, verifyPassword } from './passwords';
import type { ProfileNameCheck } from './serviceHostNameCheck';
import { migrateExclusively } from '../database/migrateExclusively';

const USERS = 'knot_users';
const MEMBERS = 'knot_team_members';
const INVITATIONS = 'knot_team_invitations';
const SHARES = 'knot_service_shares';
const QUOTA_OVERRIDES = 'knot_quota_overrides';

interface MemberRow {
  team: string;
  member: string;
  role: string;
}

/** A stored role; anything unknown reads as the least: viewer. */
function roleOf(row: Pick<MemberRow, 'role'>): TeamRole {
  return isTeamRole(row.role) ? row.role : 'viewer';
}

interface UserRow {
  username: string;
  email: string | null;
  password_hash: string | null;
  active: boolean | number;
  admin: boolean | number;
  is_team: boolean | number;
  created_at: Date | string;
  updated_at: Date | string;
  /** First approval (teams: creation); null while awaiting approval. */
  approved_at?: Date | string | null;
}

/**
 * More work in the transaction of a change: the audit entry that records it
 * commits or rolls back with the change.
 */
export type InTransaction = (tx: Knex.Transaction) => Promise<void>;

/** What changed, for listeners (provisioning, the profiles events). */
export type UserChange = KnotProfileChange;

export type UserChangeListener = (change: UserChange) => void | Promise<void>;

/** The outcome of checking a username and password. */
export type Authentication =
  | { ok: true; user: KnotUser }
  | { ok: false; reason: 'invalid-credentials' | 'awaiting-approval' };

function toUser(row: UserRow): KnotUser {
  return {
    username: row.username,
    email: row.email ?? undefined,
    active: Boolean(row.active),
    admin: Boolean(row.admin),
    createdAt: new Date(row.created_at).toISOString(),
  };
}

function toTeam(row: UserRow, members: KnotTeamMember[]): KnotTeam {
  return {
    name: row.username,
    members: members.map(m => m.username),
    roles: Object.fromEntries(members.map(m => [m.username, m.role])),
    ownerless: !members.some(m => m.role === 'owner' && m.active),
    active: Boolean(row.active),
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/**
 * Locks a team's account row for the transaction (PostgreSQL; SQLite
 * writes one transaction at a time anyway): two owners leaving at once
 * would each see the other still there, and both go.
 */
async function lockTeam(tx: Knex, team: string): Promise<void> {
  await tx(USERS).where({ username: team }).forUpdate().first();
}

/** Throws 409 when a team has no owner left (inside a transaction). */
async function refuseOwnerless(tx: Knex, team: string): Promise<void> {
  const owner = await tx(MEMBERS).where({ team, role: 'owner' }).first();
  if (!owner) {
    throw new ConflictError(
      `Team '${team}' needs an owner: make another member owner (transfer the ownership) first`,
    );
  }
}

function checkName(name: unknown): string {
  const problem = usernameProblem(name);
  if (problem) {
    throw new InputError(problem);
  }
  return name as string;
}

function checkEmail(email: unknown): string | undefined {
  if (email === undefined || email === null || email === '') {
    return undefined;
  }
  if (
    typeof email !== 'string' ||
    email.length > 320 ||
    !/^[^\s@]+@[^\s@]+$/.test(email)
  ) {
    throw new InputError(`'${String(email)}' is not a valid e-mail address`);
  }
  return email;
}

function checkPassword(password: unknown): string {
  const problem = passwordProblem(password);
  if (problem) {
    throw new InputError(problem);
  }
  return password as string;
}

/**
 * Knot's users and teams, in the plugin's database (SQLite or PostgreSQL).
 * Passwords are kept as scrypt hashes only. Other features learn about
 * changes through {@link UserStore.onChange} (in-process: each replica's
 * listeners hear the changes made through that replica; periodic refreshes
 * cover the others).
 */
export class UserStore {
  private readonly listeners = new Set<UserChangeListener>();

  static async create(options: {
    database: DatabaseService;
    /** What else a new profile's name must pass (the services' hostnames). */
    nameCheck?: ProfileNameCheck;
  }): Promise<UserStore> {
    const knex = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await migrateExclusively(knex, 'knot_migrations', () =>
        knex.migrate.latest({
          directory: resolvePackagePath(
            '@knot-platform/plugin-knot-backend',
            'migrations',
          ),
          tableName: 'knot_migrations',
        }),
      );
    }
    return new UserStore(knex, options.nameCheck);
  }

  constructor(
    private readonly knex: Knex,
    private readonly nameCheck?: ProfileNameCheck,
  ) {}

  /** Refuses a new profile's name that the name check refuses. */
  private async checkNewProfileName(name: string): Promise<void> {
    const problem = await this.nameCheck?.(name);
    if (problem) throw new InputError(problem);
  }

  /** Registers a listener for changes; returns a function that removes it. */
  onChange(listener: UserChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async emit(change: UserChange) {
    for (const listener of this.listeners) {
      try {
        await listener(change);
      } catch {
        // A failing listener must not fail the change that already happened.
      }
    }
  }

  // --- users ----------------------------------------------------------------

  /** A user or team by name, or undefined. */
  async getUser(
    name: string,
  ): Promise<(KnotUser & { team: boolean }) | undefined> {
    const row = await this.knex<UserRow>(USERS)
      .where({ username: name })
      .first();
    return row ? { ...toUser(row), team: Boolean(row.is_team) } : undefined;
  }

  /** Users (not teams), ordered by name. */
  async listUsers(): Promise<KnotUser[]> {
    const rows = await this.knex<UserRow>(USERS)
      .where({ is_team: false })
      .orderBy('username');
    return rows.map(toUser);
  }

  /** Names of every active user and team: the profiles that get a namespace. */
  async listActiveProfiles(): Promise<Array<{ name: string; team: boolean }>> {
    const rows = await this.knex<UserRow>(USERS)
      .where({ active: true })
      .orderBy('username')
      .select('username', 'is_team');
    return rows.map(r => ({ name: r.username, team: Boolean(r.is_team) }));
  }

  /**
   * Every user and team that was ever approved, active or not: the profiles
   * that keep a namespace (a deactivated one suspended). Accounts still
   * awaiting approval are not listed.
   */
  async listApprovedProfiles(): Promise<
    Array<{ name: string; team: boolean; active: boolean }>
  > {
    const rows = await this.knex<UserRow>(USERS)
      .where({ active: true })
      .orWhereNotNull('approved_at')
      .orderBy('username')
      .select('username', 'is_team', 'active');
    return rows.map(r => ({
      name: r.username,
      team: Boolean(r.is_team),
      active: Boolean(r.active),
    }));
  }

  /**
   * Self sign-up: the account waits for an admin's approval (inactive).
   * Throws InputError for invalid input, ConflictError when the name is taken.
   */
  async signUp(
    input: {
      username: unknown;
      email?: unknown;
      password: unknown;
    },
    also?: InTransaction,
  ): Promise<KnotUser> {
    const username = checkName(input.username);
    await this.checkNewProfileName(username);
    return this.insertUser(
      {
        username,
        email: checkEmail(input.email),
        password: checkPassword(input.password),
        active: false,
        admin: false,
      },
      also,
    );
  }

  /**
   * Makes sure the configured first admin exists; creates it (active, admin)
   * on first start. An existing account is left as it is, password included.
   * The configured name may be a reserved one such as `admin`: the operator
   * chose it — except the development guest's, which is never an account.
   */
  async ensureAdmin(username: string, password: string): Promise<boolean> {
    if (!USERNAME_PATTERN.test(username)) {
      throw new InputError(usernameProblem(username) ?? 'invalid admin name');
    }
    if (username === GUEST_USERNAME) {
      throw new InputError(
        `The first admin cannot be named '${GUEST_USERNAME}': that is the development guest's name`,
      );
    }
    if (await this.getUser(username)) {
      return false;
    }
    await this.insertUser({
      username,
      password: checkPassword(password),
      active: true,
      admin: true,
    });
    return true;
  }

  private async insertUser(
    user: {
      username: string;
      email?: string;
      password?: string;
      active: boolean;
      admin: boolean;
      team?: boolean;
    },
    also?: InTransaction,
  ): Promise<KnotUser> {
    const now = new Date();
    const row: UserRow = {
      username: user.username,
      email: user.email ?? null,
      password_hash: user.password ? await hashPassword(user.password) : null,
      active: user.active,
      admin: user.admin,
      is_team: user.team ?? false,
      created_at: now,
      updated_at: now,
      approved_at: user.active ? now : null,
    };
    try {
      await this.knex.transaction(async tx => {
        await tx(USERS).insert(row);
        await also?.(tx);
      });
    } catch (error) {
      if (await this.getUser(user.username)) {
        throw new ConflictError(`The name '${user.username}' is already taken`);
      }
      throw error;
    }
    await this.emit({ kind: 'created', profile: user.username });
    return toUser(row);
  }

  /**
   * Checks a username and password. A wrong password, an unknown user and a
   * team all answer `invalid-credentials` in the same time; the right
   * password of an account not yet approved answers `awaiting-approval`.
   */
  async authenticate(
    username: string,
    password: string,
  ): Promise<Authentication> {
    // An account named like the development guest (signed up before the
    // name was reserved) never signs in: it would be the guest.
    const row =
      typeof username === 'string' &&
      USERNAME_PATTERN.test(username) &&
      username !== GUEST_USERNAME
        ? await this.knex<UserRow>(USERS).where({ username }).first()
        : undefined;
    const hash = row && !row.is_team ? row.password_hash : undefined;
    if (!(await verifyPassword(String(password ?? ''), hash))) {
      return { ok: false, reason: 'invalid-credentials' };
    }
    if (!row!.active) {
      return { ok: false, reason: 'awaiting-approval' };
    }
    return { ok: true, user: toUser(row!) };
  }

  private async updateUser(
    username: string,
    patch: Partial<
      Pick<UserRow, 'active' | 'admin' | 'password_hash' | 'approved_at'>
    >,
    also?: InTransaction,
  ): Promise<void> {
    await this.knex.transaction(async tx => {
      const count = await tx(USERS)
        .where({ username, is_team: false })
        .update({ ...patch, updated_at: new Date() });
      if (count === 0) {
        throw new NotFoundError(`No user named '${username}'`);
      }
      await also?.(tx);
    });
    await this.emit({ kind: 'updated', profile: username });
  }

  /**
   * Approves or deactivates. An account that is or was active counts as
   * approved from then on: deactivating it suspends its profile, it does
   * not remove it.
   */
  async setActive(
    username: string,
    active: boolean,
    also?: InTransaction,
  ): Promise<void> {
    const row = await this.knex<UserRow>(USERS)
      .where({ username, is_team: false })
      .first();
    const approve = row && !row.approved_at && (active || row.active);
    // Signed up before a service took a hostname its name would read.
    if (approve) await this.checkNewProfileName(username);
    await this.updateUser(
      username,
      { active, ...(approve ? { approved_at: new Date() } : {}) },
      also,
    );
  }

  async setAdmin(
    username: string,
    admin: boolean,
    also?: InTransaction,
  ): Promise<void> {
    await this.updateUser(username, { admin }, also);
  }

  /** Changes a password; the current one must be given and right. */
  async changePassword(
    username: string,
    currentPassword: unknown,
    newPassword: unknown,
  ): Promise<void> {
    const next = checkPassword(newPassword);
    const row = await this.knex<UserRow>(USERS)
      .where({ username, is_team: false })
      .first();
    if (
      !(await verifyPassword(String(currentPassword ?? ''), row?.password_hash))
    ) {
      throw new InputError('The current password is wrong');
    }
    await this.updateUser(username, {
      password_hash: await hashPassword(next),
    });
  }

  /** Deletes a user or a team, with its memberships. */
  async deleteProfile(name: string, also?: InTransaction): Promise<void> {
    await this.knex.transaction(async tx => {
      await tx(MEMBERS)
        .where({ team: name })
        .orWhere({ member: name })
        .delete();
      await tx(INVITATIONS)
        .where({ team: name })
        .orWhere({ invitee: name })
        .delete();
      // Its services' shares, and what others shared with it: a later
      // profile of the same name inherits neither.
      await tx(SHARES)
        .where({ owner: name })
        .orWhere({ grantee: name })
        .delete();
      // Its quota overrides (a raised GPU limit), in this transaction: a
      // listener after it could fail, and the next profile of the name
      // would have them.
      await tx(QUOTA_OVERRIDES).where({ profile: name }).delete();
      const count = await tx(USERS).where({ username: name }).delete();
      if (count === 0) {
        throw new NotFoundError(`No user or team named '${name}'`);
      }
      await also?.(tx);
    });
    await this.emit({ kind: 'deleted', profile: name });
  }

  // --- teams ----------------------------------------------------------------

  /**
   * Creates a team. An admin's team is active at once with plain members; a
   * user's self-service team has its creator as owner and, when the admins
   * want to approve new teams, waits inactive for that.
   */
  async createTeam(
    name: unknown,
    members: string[] = [],
    options: { owner?: string; active?: boolean } = {},
    also?: InTransaction,
  ): Promise<KnotTeam> {
    const team = checkName(name);
    await this.checkNewProfileName(team);
    // Every member first: a refused member must not leave the team behind.
    for (const member of options.owner
      ? [options.owner, ...members]
      : members) {
      const user =
        typeof member === 'string' && member
          ? await this.getUser(member)
          : undefined;
      if (!user || user.team) {
        throw new InputError(`No user named '${member}'`);
      }
    }
    await this.insertUser(
      {
        username: team,
        active: options.active ?? true,
        admin: false,
        team: true,
      },
      also,
    );
    if (options.owner) {
      await this.addMember(team, options.owner, 'owner');
    }
    for (const member of members) {
      await this.addMember(team, member);
    }
    return (await this.getTeam(team))!;
  }

  /** Approves a team that waits for an admin (self-service creation). */
  async approveTeam(name: string, also?: InTransaction): Promise<void> {
    const row = await this.knex<UserRow>(USERS)
      .where({ username: name, is_team: true })
      .first();
    if (!row) throw new NotFoundError(`No team named '${name}'`);
    if (row.active) return;
    // A service may have taken a hostname the name reads since creation.
    if (!row.approved_at) await this.checkNewProfileName(name);
    await this.knex.transaction(async tx => {
      await tx(USERS)
        .where({ username: name, is_team: true })
        .update({
          active: true,
          updated_at: new Date(),
          ...(row.approved_at ? {} : { approved_at: new Date() }),
        });
      await also?.(tx);
    });
    await this.emit({ kind: 'updated', profile: name });
  }

  /** A team's members with their roles, ordered by name. */
  async membersOf(team: string): Promise<KnotTeamMember[]> {
    const rows = await this.knex(MEMBERS)
      .join(USERS, `${USERS}.username`, `${MEMBERS}.member`)
      .where({ [`${MEMBERS}.team`]: team })
      .orderBy(`${MEMBERS}.member`)
      .select(`${MEMBERS}.member`, `${MEMBERS}.role`, `${USERS}.active`);
    return rows.map(r => ({
      username: r.member,
      role: roleOf(r),
      active: Boolean(r.active),
    }));
  }

  /** A user's role in a team, or undefined when not a member. */
  async roleIn(team: string, username: string): Promise<TeamRole | undefined> {
    const row = await this.knex<MemberRow>(MEMBERS)
      .where({ team, member: username })
      .first();
    return row ? roleOf(row) : undefined;
  }

  async getTeam(name: string): Promise<KnotTeam | undefined> {
    const row = await this.knex<UserRow>(USERS)
      .where({ username: name, is_team: true })
      .first();
    if (!row) {
      return undefined;
    }
    return toTeam(row, await this.membersOf(name));
  }

  async listTeams(): Promise<KnotTeam[]> {
    const rows = await this.knex<UserRow>(USERS)
      .where({ is_team: true })
      .orderBy('username');
    const memberships = await this.knex(MEMBERS)
      .join(USERS, `${USERS}.username`, `${MEMBERS}.member`)
      .orderBy(`${MEMBERS}.member`)
      .select(
        `${MEMBERS}.team`,
        `${MEMBERS}.member`,
        `${MEMBERS}.role`,
        `${USERS}.active`,
      );
    return rows.map(row =>
      toTeam(
        row,
        memberships
          .filter(m => m.team === row.username)
          .map(m => ({
            username: m.member,
            role: roleOf(m),
            active: Boolean(m.active),
          })),
      ),
    );
  }

  /** Teams a user belongs to, ordered by name. */
  async teamsOf(username: string): Promise<string[]> {
    return this.knex(MEMBERS)
      .where({ member: username })
      .orderBy('team')
      .pluck('team');
  }

  /**
   * The active teams a user is a member of: a team awaiting an admin's
   * approval (its owner is a member from its creation) grants nothing yet.
   */
  async activeTeamsOf(username: string): Promise<string[]> {
    return this.knex(MEMBERS)
      .join(USERS, `${USERS}.username`, `${MEMBERS}.team`)
      .where({ [`${MEMBERS}.member`]: username, [`${USERS}.active`]: true })
      .orderBy(`${MEMBERS}.team`)
      .pluck(`${MEMBERS}.team`);
  }

  async isMember(team: string, username: string): Promise<boolean> {
    const row = await this.knex(MEMBERS)
      .where({ team, member: username })
      .first();
    return Boolean(row);
  }

  /**
   * Adds a member with a role (an admin's additions: plain members); an
   * existing member keeps their role.
   */
  async addMember(
    team: string,
    username: unknown,
    role: TeamRole = 'member',
    also?: InTransaction,
  ): Promise<void> {
    if (!(await this.getTeam(team))) {
      throw new NotFoundError(`No team named '${team}'`);
    }
    if (typeof username !== 'string' || !username) {
      throw new InputError('username is required');
    }
    const user = await this.getUser(username);
    if (!user || user.team) {
      throw new InputError(`No user named '${username}'`);
    }
    if (await this.isMember(team, username)) {
      return;
    }
    await this.knex.transaction(async tx => {
      await tx(MEMBERS).insert({ team, member: username, role });
      await also?.(tx);
    });
    await this.emit({ kind: 'membership', profile: team });
  }

  /**
   * Changes roles in one transaction (a transfer is two changes). With
   * `keepAnOwner`, refuses (409) a change that leaves a team that had an
   * owner without one.
   */
  async setRoles(
    team: string,
    roles: Record<string, TeamRole>,
    options: { keepAnOwner?: boolean } = {},
    also?: InTransaction,
  ): Promise<void> {
    await this.knex.transaction(async tx => {
      if (options.keepAnOwner) await lockTeam(tx, team);
      for (const [member, role] of Object.entries(roles)) {
        const count = await tx(MEMBERS)
          .where({ team, member })
          .update({ role });
        if (count === 0) {
          throw new NotFoundError(`'${member}' is not a member of '${team}'`);
        }
      }
      if (options.keepAnOwner) await refuseOwnerless(tx, team);
      await also?.(tx);
    });
    await this.emit({ kind: 'membership', profile: team });
  }

  /**
   * Removes a member. With `keepAnOwner`, refuses (409) removing the last
   * owner.
   */
  async removeMember(
    team: string,
    username: string,
    options: { keepAnOwner?: boolean } = {},
    also?: InTransaction,
  ): Promise<void> {
    await this.knex.transaction(async tx => {
      if (options.keepAnOwner) await lockTeam(tx, team);
      const count = await tx(MEMBERS)
        .where({ team, member: username })
        .delete();
      if (count === 0) {
        throw new NotFoundError(`'${username}' is not a member of '${team}'`);
      }
      if (options.keepAnOwner) await refuseOwnerless(tx, team);
      await also?.(tx);
    });
    await this.emit({ kind: 'membership', profile: team });
  }

  async deleteTeam(name: string, also?: InTransaction): Promise<void> {
    if (!(await this.getTeam(name))) {
      throw new NotFoundError(`No team named '${name}'`);
    }
    await this.deleteProfile(name, also);
  }
}

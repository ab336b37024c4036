import { isReservedUsername, USERNAME_PATTERN } from './profiles';
import type { TeamRole } from './teams';

/** A Knot user as the admin API lists it (never with its password hash). */
export interface KnotUser {
  username: string;
  email?: string;
  /** Approved by an admin: may sign in, owns a namespace. */
  active: boolean;
  admin: boolean;
  createdAt: string;
}

/** A team: a profile its members may act as. */
export interface KnotTeam {
  name: string;
  members: string[];
  /** Each member's role. */
  roles?: Record<string, TeamRole>;
  /** No active owner (e.g. the owner was deactivated): an admin should act. */
  ownerless?: boolean;
  /** False while a self-service team awaits an admin's approval. */
  active?: boolean;
  createdAt: string;
}

/** `GET /api/knot/users` (admins). */
export interface KnotUserList {
  items: KnotUser[];
}

/** `PATCH /api/knot/users/:username` (admins): what to change. */
export interface KnotUserPatch {
  active?: boolean;
  admin?: boolean;
}

/** `GET /api/knot/teams`. */
export interface KnotTeamList {
  items: KnotTeam[];
}

/** `GET /api/knot/me`: the signed-in user and the profiles they may act as. */
export interface KnotMe {
  username: string;
  email?: string;
  admin: boolean;
  /** Teams the user is a member of. */
  teams: string[];
  /**
   * Profiles offered in the profile switcher: the user, then their teams.
   * Admins may act as any user besides these (impersonation).
   */
  profiles: string[];
}

/**
 * Why a name cannot be a username or team name, or undefined when it can:
 * it becomes a namespace and hostname part, so it must be a short DNS label.
 */
export function usernameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0) {
    return 'a name is required';
  }
  if (!USERNAME_PATTERN.test(name)) {
    return `'${name}' is not a valid name: use 1-32 lower-case letters, digits and '-', starting with a letter and not ending with '-'`;
  }
  if (isReservedUsername(name)) {
    return `The name '${name}' is reserved, please choose another one`;
  }
  return undefined;
}

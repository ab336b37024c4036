/**
 * Self-service teams: roles, invitations and what each role may do. The
 * backend enforces these rules; the frontend uses them to offer only what
 * the user may do.
 */

/**
 * A member's role in a team. Owners manage the team (invite, remove, change
 * roles, transfer); members act as the team in full; viewers may act as the
 * team to look (list services, files, datasets) but not change anything.
 */
export type TeamRole = 'owner' | 'member' | 'viewer';

export const TEAM_ROLES: readonly TeamRole[] = ['owner', 'member', 'viewer'];

/** Whether a value is a team role. */
export function isTeamRole(value: unknown): value is TeamRole {
  return TEAM_ROLES.includes(value as TeamRole);
}

/** What a team member may do, by role. */
export type TeamAction =
  /** Act as the team to read: list services, files, datasets. */
  | 'read'
  /** Act as the team to change: deploy, delete, values, file writes. */
  | 'write'
  /** Invite, remove members, change roles, transfer ownership. */
  | 'manage';

/** Whether a role allows an action. */
export function teamRoleMay(role: TeamRole, action: TeamAction): boolean {
  switch (action) {
    case 'read':
      return true;
    case 'write':
      return role === 'owner' || role === 'member';
    case 'manage':
      return role === 'owner';
    default:
      return false;
  }
}

/** One member of a team, with their role. */
export interface KnotTeamMember {
  username: string;
  role: TeamRole;
  /** False for a deactivated account: it keeps the role but no access. */
  active: boolean;
}

/** A pending invitation to join a team. */
export interface KnotTeamInvitation {
  team: string;
  invitee: string;
  role: TeamRole;
  invitedBy: string;
  createdAt: string;
}

/**
 * How a user or ServiceAccount reaches a team's profile, derived from the
 * same memberships that drive the team namespace's RoleBindings and
 * forward-auth.
 */
export interface KnotTeamAccess {
  username: string;
  role: TeamRole;
  /** Through Knot's API and forward-auth (the team's services). */
  portal: 'full' | 'read-only';
  /** The Kubernetes ClusterRole bound in the team's namespace. */
  namespaceRole: string;
}

/** A team as its members see it (`GET /api/knot/me/teams`). */
export interface KnotMyTeam {
  name: string;
  /** False while the team awaits an admin's approval. */
  active: boolean;
  /** The signed-in user's role. */
  role: TeamRole;
  members: KnotTeamMember[];
  /** Pending invitations (owners only; empty for others). */
  invitations: KnotTeamInvitation[];
  /** Who has access, and how. */
  access: KnotTeamAccess[];
  createdAt: string;
}

/** `GET /api/knot/me/teams`. */
export interface KnotMyTeamList {
  items: KnotMyTeam[];
}

/** `GET /api/knot/me/invitations`. */
export interface KnotInvitationList {
  items: KnotTeamInvitation[];
}

/** The namespace ClusterRole a team role gets (see provisioning). */
export function teamNamespaceRole(role: TeamRole): string {
  return teamRoleMay(role, 'write') ? 'edit' : 'view';
}

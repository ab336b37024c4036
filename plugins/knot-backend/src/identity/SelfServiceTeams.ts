import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  isTeamRole,
  teamNamespaceRole,
  teamRoleMay,
  type KnotMyTeam,
  type KnotTeam,
  type KnotTeamInvitation,
  type KnotTeamMember,
  type TeamRole,
} from '@knot-platform/plugin-knot-common';
import type { Knex } from 'knex';
import type { InTransaction, UserStore } from './UserStore';

const INVITATIONS = 'knot_team_invitations';

interface InvitationRow {
  team: string;
  invitee: string;
  role: string;
  invited_by: string;
  created_at: Date | string;
}

function toInvitation(row: InvitationRow): KnotTeamInvitation {
  return {
    team: row.team,
    invitee: row.invitee,
    role: isTeamRole(row.role) ? row.role : 'viewer',
    invitedBy: row.invited_by,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

function checkRole(role: unknown): TeamRole {
  if (role === undefined || role === null || role === '') {
    throw new InputError('role is required: owner, member or viewer');
  }
  if (!isTeamRole(role)) {
    // Only a string is quoted back: an object's toString may be anything.
    throw new InputError(
      typeof role === 'string'
        ? `'${role.slice(
            0,
            64,
          )}' is not a team role: use owner, member or viewer`
        : 'role must be one of owner, member or viewer',
    );
  }
  return role;
}

/**
 * Teams that users run themselves: any active user creates a team and owns
 * it; owners invite (the invitee accepts or declines), change roles, remove
 * members and hand the ownership on; members leave. A team always keeps an
 * owner once it had one. Every membership change goes through the user
 * store, whose change events reach provisioning, the catalog and the OIDC
 * `groups` claim.
 */
export class SelfServiceTeams {
  constructor(
    private readonly knex: Knex,
    private readonly store: UserStore,
    private readonly options: { creationNeedsApproval: boolean },
  ) {}

  /** The actor as an active user (teams and deactivated accounts refused). */
  private async activeUser(actor: string): Promise<void> {
    const user = await this.store.getUser(actor);
    if (!user || user.team || !user.active) {
      throw new NotAllowedError(`'${actor}' is not an active Knot user`);
    }
  }

  /** The actor's role in a team; 403 when not a member or not allowed. */
  private async requireRole(
    actor: string,
    team: string,
    action: 'read' | 'manage',
  ): Promise<TeamRole> {
    await this.activeUser(actor);
    const role = await this.store.roleIn(team, actor);
    if (!role) {
      throw new NotAllowedError(`You are not a member of team '${team}'`);
    }
    if (!teamRoleMay(role, action)) {
      throw new NotAllowedError(`Only an owner of team '${team}' may do this`);
    }
    return role;
  }

  private async requireMember(team: string, username: string) {
    const role = await this.store.roleIn(team, username);
    if (!role) {
      throw new NotFoundError(`'${username}' is not a member of '${team}'`);
    }
    return role;
  }

  async create(
    actor: string,
    name: unknown,
    also?: InTransaction,
  ): Promise<KnotTeam> {
    await this.activeUser(actor);
    return this.store.createTeam(
      name,
      [],
      { owner: actor, active: !this.options.creationNeedsApproval },
      also,
    );
  }

  /** The teams the actor belongs to, with members, roles and access. */
  async teamsOf(actor: string): Promise<KnotMyTeam[]> {
    const teams: KnotMyTeam[] = [];
    for (const name of await this.store.teamsOf(actor)) {
      const team = await this.store.getTeam(name);
      const role = await this.store.roleIn(name, actor);
      if (!team || !role) continue;
      const members = await this.store.membersOf(name);
      teams.push({
        name,
        active: team.active ?? true,
        role,
        members,
        invitations: teamRoleMay(role, 'manage')
          ? (
              await this.knex<InvitationRow>(INVITATIONS)
                .where({ team: name })
                .orderBy('invitee')
            ).map(toInvitation)
          : [],
        access: accessList(members),
        createdAt: team.createdAt,
      });
    }
    return teams;
  }

  /** Invitations waiting for the actor's answer. */
  async invitationsFor(actor: string): Promise<KnotTeamInvitation[]> {
    const rows = await this.knex<InvitationRow>(INVITATIONS)
      .where({ invitee: actor })
      .orderBy('team');
    return rows.map(toInvitation);
  }

  async invite(
    actor: string,
    team: string,
    invitee: unknown,
    role: unknown,
    also?: InTransaction,
  ): Promise<KnotTeamInvitation> {
    await this.requireRole(actor, team, 'manage');
    const checkedRole = checkRole(role);
    if (typeof invitee !== 'string' || !invitee) {
      throw new InputError('username is required');
    }
    const user = await this.store.getUser(invitee);
    if (!user || user.team || !user.active) {
      throw new InputError(`There is no active user named '${invitee}'`);
    }
    if (await this.store.roleIn(team, invitee)) {
      throw new ConflictError(`'${invitee}' is already a member of '${team}'`);
    }
    const row: InvitationRow = {
      team,
      invitee,
      role: checkedRole,
      invited_by: actor,
      created_at: new Date(),
    };
    await this.knex.transaction(async tx => {
      await tx(INVITATIONS)
        .insert(row)
        .onConflict(['team', 'invitee'])
        .merge(['role', 'invited_by', 'created_at']);
      await also?.(tx);
    });
    return toInvitation(row);
  }

  /** An owner takes back an invitation. */
  async cancelInvitation(
    actor: string,
    team: string,
    invitee: string,
    also?: InTransaction,
  ) {
    await this.requireRole(actor, team, 'manage');
    await this.knex.transaction(async tx => {
      const count = await tx(INVITATIONS).where({ team, invitee }).delete();
      if (count === 0) {
        throw new NotFoundError(`'${invitee}' has no invitation to '${team}'`);
      }
      await also?.(tx);
    });
  }

  /** The invitee joins with the invitation's role; only their own. */
  async accept(
    actor: string,
    team: string,
    also?: InTransaction,
  ): Promise<void> {
    await this.activeUser(actor);
    const row = await this.knex<InvitationRow>(INVITATIONS)
      .where({ team, invitee: actor })
      .first();
    if (!row) {
      throw new NotFoundError(`You have no invitation to team '${team}'`);
    }
    // An invitation is worth what its sender's rights are worth now: one
    // sent by an owner since demoted, removed or deactivated (say, for
    // misuse) lets nobody in, with whatever role it named.
    const inviter = await this.store.getUser(row.invited_by);
    const inviterRole = await this.store.roleIn(team, row.invited_by);
    if (
      !inviter?.active ||
      !inviterRole ||
      !teamRoleMay(inviterRole, 'manage')
    ) {
      throw new NotAllowedError(
        `Your invitation to team '${team}' no longer holds: '${row.invited_by}', who sent it, no longer manages the team. Ask an owner to invite you again.`,
      );
    }
    // Joining and using up the invitation: one transaction.
    await this.store.addMember(
      team,
      actor,
      toInvitation(row).role,
      async tx => {
        await tx(INVITATIONS).where({ team, invitee: actor }).delete();
        await also?.(tx);
      },
    );
  }

  async decline(
    actor: string,
    team: string,
    also?: InTransaction,
  ): Promise<void> {
    await this.knex.transaction(async tx => {
      const count = await tx(INVITATIONS)
        .where({ team, invitee: actor })
        .delete();
      if (count === 0) {
        throw new NotFoundError(`You have no invitation to team '${team}'`);
      }
      await also?.(tx);
    });
  }

  async setRole(
    actor: string,
    team: string,
    member: string,
    role: unknown,
    also?: InTransaction,
  ): Promise<void> {
    await this.requireRole(actor, team, 'manage');
    const checkedRole = checkRole(role);
    await this.requireMember(team, member);
    await this.store.setRoles(
      team,
      { [member]: checkedRole },
      { keepAnOwner: true },
      also,
    );
  }

  /** An owner removes a member; removing oneself is leaving. */
  async remove(
    actor: string,
    team: string,
    member: string,
    also?: InTransaction,
  ): Promise<void> {
    if (member === actor && (await this.store.roleIn(team, actor))) {
      await this.leave(actor, team, also);
      return;
    }
    await this.requireRole(actor, team, 'manage');
    await this.requireMember(team, member);
    await this.store.removeMember(team, member, { keepAnOwner: true }, also);
  }

  /** A member leaves; the last owner must first hand the ownership on. */
  async leave(
    actor: string,
    team: string,
    also?: InTransaction,
  ): Promise<void> {
    await this.activeUser(actor);
    // Leaving a team one is not in changes nothing: not found, not refused.
    const role = await this.store.roleIn(team, actor);
    if (!role) {
      throw new NotFoundError(`You are not a member of team '${team}'`);
    }
    await this.store.removeMember(
      team,
      actor,
      { keepAnOwner: role === 'owner' },
      also,
    );
  }

  /** The actor (an owner) makes another member owner and becomes a member. */
  async transfer(
    actor: string,
    team: string,
    to: unknown,
    also?: InTransaction,
  ): Promise<void> {
    await this.requireRole(actor, team, 'manage');
    if (typeof to !== 'string' || !to) {
      throw new InputError('username is required');
    }
    if (to === actor) {
      throw new InputError('You already own this team');
    }
    await this.requireMember(team, to);
    const user = await this.store.getUser(to);
    if (!user?.active) {
      throw new InputError(`'${to}' is not active and cannot own the team`);
    }
    await this.store.setRoles(
      team,
      { [to]: 'owner', [actor]: 'member' },
      { keepAnOwner: true },
      also,
    );
  }
}

/**
 * Who has access to a team's profile and how: the same memberships that
 * drive the RoleBindings of the team's namespace (see provisioning's
 * manifests) and forward-auth. Deactivated members have none.
 */
export function accessList(members: KnotTeamMember[]) {
  return members
    .filter(m => m.active)
    .map(m => ({
      username: m.username,
      role: m.role,
      portal: teamRoleMay(m.role, 'write')
        ? ('full' as const)
        : ('read-only' as const),
      namespaceRole: teamNamespaceRole(m.role),
    }));
}

import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  KnotMyTeam,
  KnotTeam,
  KnotTeamInvitation,
  TeamRole,
} from '@knot-platform/plugin-knot-common';

/** The signed-in user's own teams (`/api/knot/me/teams`, `/me/invitations`). */
export interface TeamsApi {
  listMyTeams(): Promise<KnotMyTeam[]>;
  createTeam(name: string): Promise<KnotTeam>;
  listInvitations(): Promise<KnotTeamInvitation[]>;
  acceptInvitation(team: string): Promise<void>;
  declineInvitation(team: string): Promise<void>;
  invite(team: string, username: string, role: TeamRole): Promise<void>;
  cancelInvitation(team: string, username: string): Promise<void>;
  setRole(team: string, username: string, role: TeamRole): Promise<void>;
  removeMember(team: string, username: string): Promise<void>;
  transfer(team: string, username: string): Promise<void>;
  leave(team: string): Promise<void>;
}

export const teamsApiRef = createApiRef<TeamsApi>({ id: 'plugin.knot.teams' });

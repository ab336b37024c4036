import type {
  KnotInvitationList,
  KnotMyTeam,
  KnotMyTeamList,
  KnotTeam,
  KnotTeamInvitation,
  TeamRole,
} from '@knot-platform/plugin-knot-common';
import { KnotFetch, type KnotFetchOptions } from './KnotFetch';
import type { TeamsApi } from './TeamsApi';

const part = encodeURIComponent;

/** Talks to knot-backend's self-service team routes. */
export class TeamsClient implements TeamsApi {
  private readonly backend: KnotFetch;

  constructor(options: KnotFetchOptions) {
    this.backend = new KnotFetch(options);
  }

  async listMyTeams(): Promise<KnotMyTeam[]> {
    return (await this.backend.json<KnotMyTeamList>('/me/teams')).items;
  }

  createTeam(name: string): Promise<KnotTeam> {
    return this.backend.json<KnotTeam>('/me/teams', {
      method: 'POST',
      json: { name },
    });
  }

  async listInvitations(): Promise<KnotTeamInvitation[]> {
    return (await this.backend.json<KnotInvitationList>('/me/invitations'))
      .items;
  }

  private async send(method: string, path: string, json?: object) {
    await this.backend.fetch(path, { method, json });
  }

  acceptInvitation(team: string) {
    return this.send('POST', `/me/invitations/${part(team)}/accept`);
  }

  declineInvitation(team: string) {
    return this.send('POST', `/me/invitations/${part(team)}/decline`);
  }

  invite(team: string, username: string, role: TeamRole) {
    return this.send('POST', `/me/teams/${part(team)}/invitations`, {
      username,
      role,
    });
  }

  cancelInvitation(team: string, username: string) {
    return this.send(
      'DELETE',
      `/me/teams/${part(team)}/invitations/${part(username)}`,
    );
  }

  setRole(team: string, username: string, role: TeamRole) {
    return this.send(
      'PUT',
      `/me/teams/${part(team)}/members/${part(username)}/role`,
      { role },
    );
  }

  removeMember(team: string, username: string) {
    return this.send(
      'DELETE',
      `/me/teams/${part(team)}/members/${part(username)}`,
    );
  }

  transfer(team: string, username: string) {
    return this.send('POST', `/me/teams/${part(team)}/transfer`, { username });
  }

  leave(team: string) {
    return this.send('POST', `/me/teams/${part(team)}/leave`);
  }
}

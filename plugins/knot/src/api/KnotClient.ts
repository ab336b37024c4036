import type { FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  PROFILE_HEADER,
  type ActingProfile,
  type KnotHealth,
  type KnotMe,
  type KnotServiceForm,
  type KnotServiceList,
  type KnotServiceValues,
  type KnotTeam,
  type KnotUser,
} from '@knot-platform/plugin-knot-common';
import type { KnotApi } from './KnotApi';

import { readSelectedProfile, writeSelectedProfile } from './selectedProfile';

/**
 * Talks to knot-backend through the app's authenticated fetch, sending the
 * selected profile with every call.
 */
export class KnotClient implements KnotApi {
  private readonly fetchApi: FetchApi;
  private readonly storage?: Storage;

  constructor(options: { fetchApi: FetchApi; storage?: Storage }) {
    this.fetchApi = options.fetchApi;
    this.storage =
      options.storage ??
      (typeof window !== 'undefined' ? window.localStorage : undefined);
  }

  getSelectedProfile(): string | undefined {
    return readSelectedProfile(this.storage);
  }

  selectProfile(name: string | undefined): void {
    writeSelectedProfile(name, this.storage);
  }

  getHealth(): Promise<KnotHealth> {
    return this.request<KnotHealth>('GET', '/health');
  }

  getMe(): Promise<KnotMe> {
    return this.request<KnotMe>('GET', '/me');
  }

  async changePassword(currentPassword: string, newPassword: string) {
    await this.request('POST', '/me/password', {
      currentPassword,
      newPassword,
    });
  }

  getActingProfile(): Promise<ActingProfile> {
    return this.request<ActingProfile>('GET', '/profile');
  }

  async listUsers(): Promise<KnotUser[]> {
    return (await this.request<{ items: KnotUser[] }>('GET', '/users')).items;
  }

  updateUser(username: string, patch: { active?: boolean; admin?: boolean }) {
    return this.request<KnotUser>(
      'PATCH',
      `/users/${encodeURIComponent(username)}`,
      patch,
    );
  }

  async deleteUser(username: string) {
    await this.request('DELETE', `/users/${encodeURIComponent(username)}`);
  }

  async listTeams(): Promise<KnotTeam[]> {
    return (await this.request<{ items: KnotTeam[] }>('GET', '/teams')).items;
  }

  createTeam(name: string) {
    return this.request<KnotTeam>('POST', '/teams', { name });
  }

  async deleteTeam(name: string) {
    await this.request('DELETE', `/teams/${encodeURIComponent(name)}`);
  }

  addTeamMember(team: string, username: string) {
    return this.request<KnotTeam>(
      'POST',
      `/teams/${encodeURIComponent(team)}/members`,
      { username },
    );
  }

  removeTeamMember(team: string, username: string) {
    return this.request<KnotTeam>(
      'DELETE',
      `/teams/${encodeURIComponent(team)}/members/${encodeURIComponent(
        username,
      )}`,
    );
  }

  listServices(): Promise<KnotServiceList> {
    return this.request<KnotServiceList>('GET', '/services');
  }

  getServiceValues(name: string): Promise<KnotServiceValues> {
    return this.request<KnotServiceValues>(
      'GET',
      `/services/${encodeURIComponent(name)}/values`,
    );
  }

  getServiceForm(name: string): Promise<KnotServiceForm> {
    return this.request<KnotServiceForm>(
      'GET',
      `/services/${encodeURIComponent(name)}/form`,
    );
  }

  async updateServiceValues(
    name: string,
    values: Record<string, unknown>,
  ): Promise<void> {
    await this.request('PUT', `/services/${encodeURIComponent(name)}/values`, {
      values,
    });
  }

  async deleteService(name: string): Promise<void> {
    await this.request('DELETE', `/services/${encodeURIComponent(name)}`);
  }

  async startServiceSession(rd?: string): Promise<{ redirect?: string }> {
    const answer = await this.request<{ redirect?: string } | undefined>(
      'POST',
      '/forward-auth/session',
      { rd },
    );
    return answer ?? {};
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const headers: Record<string, string> = {};
    const profile = this.getSelectedProfile();
    if (profile) {
      headers[PROFILE_HEADER] = profile;
    }
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    // plugin:// URLs are resolved to the knot backend by the fetch API.
    const response = await this.fetchApi.fetch(`plugin://knot${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      // The backend is another origin in development; forward-auth's session
      // cookie must be accepted from it.
      credentials: 'include',
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    if (response.status === 204) {
      return undefined as T;
    }
    return (await response.json()) as T;
  }
}

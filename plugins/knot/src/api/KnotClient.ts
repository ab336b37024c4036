import {
  MAX_LOG_TAIL_LINES,
  namespaceProfile,
  type ActingProfile,
  type KnotHealth,
  type KnotIntegration,
  type KnotIntegrationList,
  type KnotMe,
  type KnotServiceFit,
  type KnotServiceForm,
  type KnotServiceInstallRequest,
  type KnotServiceList,
  type KnotServiceSession,
  type KnotServiceEventList,
  type KnotServicePodList,
  type KnotServiceValues,
  type KnotTeam,
  type KnotTeamList,
  type KnotUser,
  type KnotUserList,
  type KnotUserPatch,
} from '@knot-platform/plugin-knot-common';
import type {
  KnotApi,
  KnotPodLogRequest,
  KnotServiceLogRequest,
} from './KnotApi';
import { KnotFetch, type KnotFetchOptions } from './KnotFetch';
import { readSelectedProfile, writeSelectedProfile } from './selectedProfile';

/** Talks to knot-backend's users, teams, profile and services routes. */
export class KnotClient implements KnotApi {
  private readonly backend: KnotFetch;
  private readonly storage?: Storage;

  constructor(options: KnotFetchOptions) {
    this.backend = new KnotFetch(options);
    this.storage = options.storage;
  }

  getSelectedProfile(): string | undefined {
    return readSelectedProfile(this.storage);
  }

  selectProfile(name: string | undefined): void {
    const previous = readSelectedProfile(this.storage);
    writeSelectedProfile(name, this.storage);
    if (previous === name) return;
    // The audit log records switches and impersonation; a refused switch
    // is the profile switcher's to report, not this note's.
    this.backend
      .fetch('/profile/switch', {
        method: 'POST',
        json: { previous: previous ?? null },
      })
      .catch(() => undefined);
  }

  getHealth(): Promise<KnotHealth> {
    return this.request<KnotHealth>('GET', '/health');
  }

  async listIntegrations(): Promise<KnotIntegration[]> {
    return (await this.request<KnotIntegrationList>('GET', '/integrations'))
      .items;
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
    return (await this.request<KnotUserList>('GET', '/users')).items;
  }

  updateUser(username: string, patch: KnotUserPatch) {
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
    return (await this.request<KnotTeamList>('GET', '/teams')).items;
  }

  createTeam(name: string) {
    return this.request<KnotTeam>('POST', '/teams', { name });
  }

  approveTeam(name: string) {
    return this.request<KnotTeam>(
      'PATCH',
      `/teams/${encodeURIComponent(name)}`,
      { active: true },
    );
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

  getServiceEvents(name: string): Promise<KnotServiceEventList> {
    return this.request<KnotServiceEventList>(
      'GET',
      `/services/${encodeURIComponent(name)}/events`,
    );
  }

  listServicePods(name: string): Promise<KnotServicePodList> {
    return this.request<KnotServicePodList>(
      'GET',
      `/services/${encodeURIComponent(name)}/pods`,
    );
  }

  async readServiceLogs(
    name: string,
    request: KnotServiceLogRequest,
    onText: (text: string) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const query = new URLSearchParams({
      pod: request.pod,
      container: request.container,
      previous: String(Boolean(request.previous)),
      follow: String(Boolean(request.follow)),
      ...(request.tailLines !== undefined && {
        tailLines: String(request.tailLines),
      }),
    });
    const response = await this.backend.fetch(
      `/services/${encodeURIComponent(name)}/logs?${query}`,
      { signal },
    );
    // The body as it streams: each chunk is shown as soon as it arrives.
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const text = decoder.decode(value, { stream: true });
      if (text) onText(text);
    }
    const rest = decoder.decode();
    if (rest) onText(rest);
  }

  async readPodLog(request: KnotPodLogRequest): Promise<string | undefined> {
    const profile = namespaceProfile(request.namespace);
    if (!profile) return undefined;
    // The release whose pod it is: the tab names only the pod.
    const { items } = await this.backend.json<KnotServiceList>('/services', {
      profile,
    });
    for (const service of items) {
      const pods = await this.backend.json<KnotServicePodList>(
        `/services/${encodeURIComponent(service.name)}/pods`,
        { profile },
      );
      if (!pods.items.some(p => p.name === request.pod)) continue;
      const query = new URLSearchParams({
        pod: request.pod,
        container: request.container,
        previous: String(Boolean(request.previous)),
        tailLines: String(MAX_LOG_TAIL_LINES),
      });
      const response = await this.backend.fetch(
        `/services/${encodeURIComponent(service.name)}/logs?${query}`,
        { profile },
      );
      return response.text();
    }
    throw new Error(
      `Pod ${request.pod} belongs to no service of ${profile} that you may see`,
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

  checkServiceFit(
    request: KnotServiceInstallRequest,
    profile?: string,
  ): Promise<KnotServiceFit> {
    return this.backend.json<KnotServiceFit>('/services/fit', {
      method: 'POST',
      json: request,
      profile,
    });
  }

  checkServiceValuesFit(
    name: string,
    values: Record<string, unknown>,
  ): Promise<KnotServiceFit> {
    return this.request<KnotServiceFit>(
      'POST',
      `/services/${encodeURIComponent(name)}/fit`,
      { values },
    );
  }

  async deleteService(name: string): Promise<void> {
    await this.request('DELETE', `/services/${encodeURIComponent(name)}`);
  }

  async startService(name: string): Promise<void> {
    await this.request('POST', `/services/${encodeURIComponent(name)}/start`);
  }

  async setServiceKeepRunning(
    name: string,
    keepRunning: boolean,
  ): Promise<void> {
    await this.request(
      'PUT',
      `/services/${encodeURIComponent(name)}/keep-running`,
      { keepRunning },
    );
  }

  async startServiceSession(rd?: string): Promise<KnotServiceSession> {
    const answer = await this.request<KnotServiceSession | undefined>(
      'POST',
      '/forward-auth/session',
      { rd },
    );
    return answer ?? {};
  }

  private request<T>(method: string, path: string, json?: unknown): Promise<T> {
    return this.backend.json<T>(path, { method, json });
  }
}

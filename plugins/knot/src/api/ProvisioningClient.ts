import type { FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  ProfileProvisioningStatus,
  ProvisioningAction,
  ReconcileReport,
} from '@knot-platform/plugin-knot-common';
import type { ProvisioningApi } from './ProvisioningApi';

/** Calls `/api/knot/provisioning/*` through the app's authenticated fetch. */
export class ProvisioningClient implements ProvisioningApi {
  constructor(private readonly fetchApi: FetchApi) {}

  async listProfiles(): Promise<ProfileProvisioningStatus[]> {
    const body = await this.call<{ items: ProfileProvisioningStatus[] }>(
      '/provisioning/profiles',
    );
    return body.items;
  }

  reconcile(profile?: string): Promise<ReconcileReport> {
    return this.call<ReconcileReport>('/provisioning/reconcile', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(profile ? { profile } : {}),
    });
  }

  async listLeftoverFolders(): Promise<string[]> {
    return (await this.call<{ items: string[] }>('/provisioning/folders'))
      .items;
  }

  deleteLeftoverFolder(name: string): Promise<ProvisioningAction> {
    return this.call<ProvisioningAction>(
      `/provisioning/folders/${encodeURIComponent(name)}`,
      {
        method: 'DELETE',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ confirm: name }),
      },
    );
  }

  private async call<T>(path: string, init?: RequestInit): Promise<T> {
    const response = await this.fetchApi.fetch(`plugin://knot${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

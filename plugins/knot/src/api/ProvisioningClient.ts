import type {
  LeftoverFolderList,
  ProfileProvisioningList,
  ProfileProvisioningStatus,
  ProvisioningAction,
  ReconcileReport,
} from '@knot-platform/plugin-knot-common';
import { KnotFetch, type KnotFetchOptions } from './KnotFetch';
import type { ProvisioningApi } from './ProvisioningApi';

/** Talks to knot-backend's admin routes `/api/knot/provisioning/*`. */
export class ProvisioningClient implements ProvisioningApi {
  private readonly backend: KnotFetch;

  constructor(options: KnotFetchOptions) {
    this.backend = new KnotFetch(options);
  }

  async listProfiles(): Promise<ProfileProvisioningStatus[]> {
    const body = await this.backend.json<ProfileProvisioningList>(
      '/provisioning/profiles',
    );
    return body.items;
  }

  reconcile(profile?: string): Promise<ReconcileReport> {
    return this.backend.json<ReconcileReport>('/provisioning/reconcile', {
      method: 'POST',
      json: profile ? { profile } : {},
    });
  }

  async listLeftoverFolders(): Promise<string[]> {
    const body = await this.backend.json<LeftoverFolderList>(
      '/provisioning/folders',
    );
    return body.items;
  }

  deleteLeftoverFolder(name: string): Promise<ProvisioningAction> {
    return this.backend.json<ProvisioningAction>(
      `/provisioning/folders/${encodeURIComponent(name)}`,
      { method: 'DELETE', json: { confirm: name } },
    );
  }
}

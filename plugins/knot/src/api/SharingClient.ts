import type {
  KnotServiceShare,
  KnotServiceShareList,
  KnotSharedServiceList,
  KnotSharedService,
} from '@knot-platform/plugin-knot-common';
import { KnotFetch, type KnotFetchOptions } from './KnotFetch';
import type { SharingApi } from './SharingApi';

const part = encodeURIComponent;

/** Talks to knot-backend's sharing routes. */
export class SharingClient implements SharingApi {
  private readonly backend: KnotFetch;

  constructor(options: KnotFetchOptions) {
    this.backend = new KnotFetch(options);
  }

  async listShares(service: string): Promise<KnotServiceShare[]> {
    return (
      await this.backend.json<KnotServiceShareList>(
        `/services/${part(service)}/shares`,
      )
    ).items;
  }

  share(service: string, grantee: string, expiresAt?: string) {
    return this.backend.json<KnotServiceShare>(
      `/services/${part(service)}/shares`,
      { method: 'POST', json: { grantee, expiresAt } },
    );
  }

  async revoke(service: string, grantee: string): Promise<void> {
    await this.backend.fetch(
      `/services/${part(service)}/shares/${part(grantee)}`,
      { method: 'DELETE' },
    );
  }

  async listSharedWithMe(): Promise<KnotSharedService[]> {
    return (
      await this.backend.json<KnotSharedServiceList>('/me/shared-services')
    ).items;
  }
}

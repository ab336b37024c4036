import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  KnotServiceShare,
  KnotSharedService,
} from '@knot-platform/plugin-knot-common';

/** Sharing the acting profile's services, and what others shared with me. */
export interface SharingApi {
  listShares(service: string): Promise<KnotServiceShare[]>;
  /** `expiresAt`: ISO 8601, or undefined for until revoked. */
  share(
    service: string,
    grantee: string,
    expiresAt?: string,
  ): Promise<KnotServiceShare>;
  revoke(service: string, grantee: string): Promise<void>;
  listSharedWithMe(): Promise<KnotSharedService[]>;
}

export const sharingApiRef = createApiRef<SharingApi>({
  id: 'plugin.knot.sharing',
});

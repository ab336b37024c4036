import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  ProfileProvisioningStatus,
  ReconcileReport,
} from '@internal/plugin-knot-common';

/** The admin provisioning routes of knot-backend. */
export interface ProvisioningApi {
  listProfiles(): Promise<ProfileProvisioningStatus[]>;
  /** Reconciles every profile, or only `profile`. */
  reconcile(profile?: string): Promise<ReconcileReport>;
}

export const provisioningApiRef = createApiRef<ProvisioningApi>({
  id: 'plugin.knot.provisioning',
});

import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  ProfileProvisioningStatus,
  ProvisioningAction,
  ReconcileReport,
} from '@knot-platform/plugin-knot-common';

/** The admin provisioning routes of knot-backend. */
export interface ProvisioningApi {
  listProfiles(): Promise<ProfileProvisioningStatus[]>;
  /** Reconciles every profile, or only `profile`. */
  reconcile(profile?: string): Promise<ReconcileReport>;
  /** Private folders kept after their profile was removed. */
  listLeftoverFolders(): Promise<string[]>;
  /** Deletes one of them; the backend wants the name as confirmation. */
  deleteLeftoverFolder(name: string): Promise<ProvisioningAction>;
}

export const provisioningApiRef = createApiRef<ProvisioningApi>({
  id: 'plugin.knot.provisioning',
});

/**
 * API shapes of per-profile provisioning (namespace, RBAC, storage domains),
 * shared by the backend's admin routes and the admin page.
 */

/** What one reconcile did to one object (or folder). */
export interface ProvisioningAction {
  profile: string;
  /** `Namespace`, `PersistentVolume`, … or `Folder`. */
  kind: string;
  /** Object name (with namespace for namespaced objects) or folder path. */
  name: string;
  /** `waiting`: for the cluster (e.g. a namespace still terminating). */
  action: 'created' | 'updated' | 'deleted' | 'kept' | 'waiting' | 'failed';
  /** Why: the drifted field, the error message, … */
  detail?: string;
}

/** The outcome of a reconcile of all profiles or of one. */
export interface ReconcileReport {
  startedAt: string;
  durationMs: number;
  /** Profiles looked at. */
  profiles: number;
  /** Only what changed or failed; empty when everything was in place. */
  actions: ProvisioningAction[];
}

/** Resource quota of a profile's namespace: `hard` limits and current `used`. */
export interface QuotaStatus {
  hard: Record<string, string>;
  used: Record<string, string>;
}

/** What the admin page shows per profile. */
export interface ProfileProvisioningStatus {
  name: string;
  isTeam: boolean;
  active: boolean;
  namespace: string;
  /** `Active`, `Terminating`, or `Missing`. */
  namespacePhase: string;
  /** PVC phase per domain (`Bound`, `Pending`, `Missing`, …). */
  privateVolume: string;
  sharedVolume: string;
  quota?: QuotaStatus;
}

/** `GET /api/knot/provisioning/profiles` (admins). */
export interface ProfileProvisioningList {
  items: ProfileProvisioningStatus[];
}

/**
 * `GET /api/knot/provisioning/folders` (admins): private folders kept after
 * their profile was removed.
 */
export interface LeftoverFolderList {
  items: string[];
}

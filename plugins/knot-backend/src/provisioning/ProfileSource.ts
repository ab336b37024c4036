import type { TeamRole } from '@knot-platform/plugin-knot-common';

/**
 * The seam between provisioning and the user store: provisioning only needs
 * to know which profiles (users and teams) exist and whether they are active.
 */

/** One user or team as provisioning sees it. */
export interface ProvisioningTarget {
  /** Username or team name (a valid namespace suffix). */
  name: string;
  isTeam: boolean;
  /** False for a deactivated profile: kept, but its workloads stopped. */
  active: boolean;
  /**
   * Admin override of the namespace's ResourceQuota `hard` values, merged
   * over `knot.provisioning.quota`.
   */
  quota?: Record<string, string>;
  /**
   * A team's active members and their roles: their own namespaces'
   * ServiceAccounts get a RoleBinding in the team's namespace.
   */
  members?: Array<{ name: string; role: TeamRole }>;
}

/**
 * Lists the profiles that should exist. A Knot namespace whose owner is not
 * listed is removed by the next reconcile.
 */
export interface ProfileSource {
  listProfiles(): Promise<ProvisioningTarget[]>;
}

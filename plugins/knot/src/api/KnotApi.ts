import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  ActingProfile,
  KnotHealth,
  KnotIntegration,
  KnotMe,
  KnotServiceFit,
  KnotServiceForm,
  KnotServiceInstallRequest,
  KnotServiceList,
  KnotServiceSession,
  KnotServiceEventList,
  KnotServiceValues,
  KnotTeam,
  KnotUser,
  KnotUserPatch,
} from '@knot-platform/plugin-knot-common';

/** The Knot backend as the frontend sees it. */
export interface KnotApi {
  getHealth(): Promise<KnotHealth>;
  /** The services next to Knot (JupyterHub, Argo, ...) the admin enabled. */
  listIntegrations(): Promise<KnotIntegration[]>;
  listServices(): Promise<KnotServiceList>;
  getServiceValues(name: string): Promise<KnotServiceValues>;
  /** The release's Kubernetes events, newest first. */
  getServiceEvents(name: string): Promise<KnotServiceEventList>;
  /** The chart's form for a release, prefilled with its current values. */
  getServiceForm(name: string): Promise<KnotServiceForm>;
  /** Changes a release's values (helm upgrade). */
  updateServiceValues(
    name: string,
    values: Record<string, unknown>,
  ): Promise<void>;
  deleteService(name: string): Promise<void>;
  /**
   * Whether installing `request` as `profile` (default: the selected one)
   * fits the profile's quota; nothing is deployed.
   */
  checkServiceFit(
    request: KnotServiceInstallRequest,
    profile?: string,
  ): Promise<KnotServiceFit>;
  /** Whether changing a release's values fits the profile's quota. */
  checkServiceValuesFit(
    name: string,
    values: Record<string, unknown>,
  ): Promise<KnotServiceFit>;
  /** Starts a session on the services' domain; answers where to go next. */
  startServiceSession(rd?: string): Promise<KnotServiceSession>;

  /** The signed-in user, their teams and the profiles they may act as. */
  getMe(): Promise<KnotMe>;
  changePassword(currentPassword: string, newPassword: string): Promise<void>;

  /**
   * The profile every Knot call acts as (sent as `x-knot-profile`);
   * undefined means the signed-in user. Kept in the browser's storage.
   */
  getSelectedProfile(): string | undefined;
  selectProfile(name: string | undefined): void;
  /** Asks the backend which profile calls act as (checks the selection). */
  getActingProfile(): Promise<ActingProfile>;

  listUsers(): Promise<KnotUser[]>;
  updateUser(username: string, patch: KnotUserPatch): Promise<KnotUser>;
  deleteUser(username: string): Promise<void>;

  listTeams(): Promise<KnotTeam[]>;
  createTeam(name: string): Promise<KnotTeam>;
  deleteTeam(name: string): Promise<void>;
  /** Approves a self-service team that waits for an admin. */
  approveTeam(name: string): Promise<KnotTeam>;
  addTeamMember(team: string, username: string): Promise<KnotTeam>;
  removeTeamMember(team: string, username: string): Promise<KnotTeam>;
}

export const knotApiRef = createApiRef<KnotApi>({ id: 'plugin.knot.api' });

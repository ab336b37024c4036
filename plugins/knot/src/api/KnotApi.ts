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
  KnotServicePodList,
  KnotServiceValues,
  KnotTeam,
  KnotUser,
  KnotUserPatch,
} from '@knot-platform/plugin-knot-common';

/** Which log {@link KnotApi.readServiceLogs} reads. */
export interface KnotServiceLogRequest {
  pod: string;
  container: string;
  /** The container's previous run (before its last restart). */
  previous?: boolean;
  /** Keep reading while the container runs. */
  follow?: boolean;
  tailLines?: number;
}

/** A pod's log as the catalog's Kubernetes tab asks for it. */
export interface KnotPodLogRequest {
  namespace: string;
  pod: string;
  container: string;
  previous?: boolean;
}

/** The Knot backend as the frontend sees it. */
export interface KnotApi {
  getHealth(): Promise<KnotHealth>;
  /** The services next to Knot (JupyterHub, Argo, ...) the admin enabled. */
  listIntegrations(): Promise<KnotIntegration[]>;
  listServices(): Promise<KnotServiceList>;
  getServiceValues(name: string): Promise<KnotServiceValues>;
  /** The release's Kubernetes events, newest first. */
  getServiceEvents(name: string): Promise<KnotServiceEventList>;
  /** The release's pods and their containers, newest pod first. */
  listServicePods(name: string): Promise<KnotServicePodList>;
  /**
   * Reads a container's log, handing each piece of text to `onText` as it
   * arrives (with `follow`, while the container runs); resolves when the
   * log ends, rejects when refused. `signal` stops reading.
   */
  readServiceLogs(
    name: string,
    request: KnotServiceLogRequest,
    onText: (text: string) => void,
    signal?: AbortSignal,
  ): Promise<void>;
  /**
   * The log of a pod of a Knot release, for the catalog's Kubernetes tab:
   * asks as the profile whose namespace it is, through the same routes
   * (and checks) as the Logs dialog. Undefined when the namespace is not a
   * profile's.
   */
  readPodLog(request: KnotPodLogRequest): Promise<string | undefined>;
  /** The chart's form for a release, prefilled with its current values. */
  getServiceForm(name: string): Promise<KnotServiceForm>;
  /** Changes a release's values (helm upgrade). */
  updateServiceValues(
    name: string,
    values: Record<string, unknown>,
  ): Promise<void>;
  deleteService(name: string): Promise<void>;
  /** Starts a service idle stop scaled to zero (its replicas back). */
  startService(name: string): Promise<void>;
  /** "Keep running": exempts a service from idle stop (or not). */
  setServiceKeepRunning(name: string, keepRunning: boolean): Promise<void>;
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
  /** Also tells the backend, which records the switch (the audit log). */
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

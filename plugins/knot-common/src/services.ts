/** API shapes of Knot services (deployed Helm releases). */

/** Where a release is in its life, from helm's status and its workloads. */
export type ServiceState = 'Running' | 'Starting' | 'Failed' | 'Unknown';

/** One deployed service of a profile, as `GET /api/knot/services` lists it. */
export interface KnotService {
  /** Helm release name. */
  name: string;
  namespace: string;
  profile: string;
  chart: string;
  chartVersion: string;
  appVersion: string;
  revision: number;
  /** helm's release status (deployed, failed, pending-install…). */
  helmStatus: string;
  state: ServiceState;
  /** Ready over desired replicas of the release's workloads, e.g. `1/1`. */
  ready: string;
  /** When the release was last deployed (ISO 8601). */
  updated: string;
  url: string;
  entityRef: string;
}

export interface KnotServiceList {
  items: KnotService[];
}

/** The user-settable values of a release (internal knot.* left out). */
export interface KnotServiceValues {
  values: Record<string, unknown>;
}

/**
 * `POST /api/knot/forward-auth/session` (`{ rd }`): a session on the
 * services' domain was started; where to send the browser next, if `rd` was
 * a service under that domain.
 */
export interface KnotServiceSession {
  redirect?: string;
}

/**
 * `GET /api/knot/services/:name/form`: the form of a release's chart version
 * (the same JSON schema as its Template's "Settings" page) and the release's
 * current user values to prefill it.
 */
export interface KnotServiceForm {
  chart: string;
  chartVersion: string;
  /** JSON schema of the chart's user values (never the internal knot.*). */
  schema: Record<string, unknown>;
  values: Record<string, unknown>;
}

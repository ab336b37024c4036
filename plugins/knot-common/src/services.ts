/** API shapes and names of Knot services (deployed Helm releases). */
import type { SerializedError } from '@backstage/errors';
import { profileKnotValues, type KnotOptionalUrls } from './environment';
import { type ServiceExposure, serviceHostname, serviceUrl } from './hostnames';
import type { KnotServiceIdle } from './idleStop';
import { PRIVATE_VOLUME_CLAIM, SHARED_VOLUME_CLAIM } from './profiles';

/** Where a release is in its life, from helm's status and its workloads. */
export type ServiceState =
  | 'Running'
  | 'Starting'
  | 'Stopped'
  | 'Failed'
  | 'Unknown';

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
  /**
   * Why the service is not running, in plain words (over quota, no node
   * fits, image cannot be pulled, keeps crashing…); absent when running.
   */
  reason?: string;
  /** When the release was last deployed (ISO 8601). */
  updated: string;
  url: string;
  entityRef: string;
  /** Idle stop: when it stops, or when it stopped (absent: not known). */
  idle?: KnotServiceIdle;
}

export interface KnotServiceList {
  items: KnotService[];
}

/** One quota resource a deploy does not fit in. */
export interface KnotQuotaShortfall {
  /** The quota's resource name (`requests.cpu`, `pods`…). */
  resource: string;
  /** In words: "Needs 2 CPU, 1.5 CPU free of 4 in alice's quota". */
  message: string;
}

/**
 * `POST /api/knot/services/fit` (an install's body) and
 * `POST /api/knot/services/:name/fit` (`{ values }`, an upgrade): whether
 * the chart rendered with these values fits what the profile's quota has
 * left. A deploy that does not fit is refused with 422 and `message`.
 */
export interface KnotServiceFit {
  fits: boolean;
  /** Why not, every shortfall in one sentence; absent when it fits. */
  message?: string;
  shortfalls: KnotQuotaShortfall[];
}

/** One Kubernetes event of a release's objects. */
export interface KnotServiceEvent {
  /** `Normal` or `Warning`. */
  type: string;
  reason: string;
  message: string;
  /** The object it is about, e.g. `Pod/web-5d9c-abcde`. */
  object: string;
  count: number;
  /** When it last happened (ISO 8601). */
  lastSeen: string;
}

/** `GET /api/knot/services/:name/events`: newest first. */
export interface KnotServiceEventList {
  items: KnotServiceEvent[];
}

/** One container of a release's pod, as the Logs dialog offers it. */
export interface KnotServiceContainer {
  name: string;
  /** An init container: runs (to completion) before the others start. */
  init: boolean;
  /** `running`, `waiting` (not started, or between crashes) or `terminated`. */
  state: 'running' | 'waiting' | 'terminated';
  /** Why it waits or ended (`CrashLoopBackOff`, `Completed`, ...). */
  reason?: string;
  restarts: number;
  /** Whether an earlier run's log can be read (`previous=true`). */
  hasPrevious: boolean;
}

/** One pod of a release. */
export interface KnotServicePod {
  name: string;
  /** `Pending`, `Running`, `Succeeded`, `Failed` or `Unknown`. */
  phase: string;
  /** When it was created (ISO 8601). */
  created: string;
  /** Init containers first, in the order they run. */
  containers: KnotServiceContainer[];
}

/** `GET /api/knot/services/:name/pods`: newest pod first. */
export interface KnotServicePodList {
  items: KnotServicePod[];
}

/**
 * `GET /api/knot/services/:name/logs`: a container's log as text/plain,
 * streamed while `follow` is set. The largest `tailLines` it accepts.
 */
export const MAX_LOG_TAIL_LINES = 10000;

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

/** Release names: DNS labels, short enough for `<name>-<profile>.<domain>`. */
export const RELEASE_NAME_PATTERN = '^[a-z]([-a-z0-9]{0,18}[a-z0-9])?$';
/** The longest release name {@link RELEASE_NAME_PATTERN} allows. */
export const MAX_RELEASE_NAME_LENGTH = 20;

/** The release label (helm `--labels`) naming the chart a release runs. */
export const RELEASE_CHART_LABEL = 'knot-chart';

/**
 * The annotation naming the profile a release Component belongs to: the
 * catalog shows the Component (and the Kubernetes tab its workloads) only
 * to who may act as that profile.
 */
export const RELEASE_PROFILE_ANNOTATION = 'knot/profile';

/** The catalog name of a release's Component. */
export function releaseComponentName(profile: string, release: string): string {
  return `${release}-${profile}`;
}

/** The catalog entity ref of a release's Component. */
export function releaseEntityRef(profile: string, release: string): string {
  return `component:default/${releaseComponentName(profile, release)}`;
}

/** The top-level key of Knot's internal Helm values: set by Knot, never by users. */
export const KNOT_VALUES_KEY = 'knot';

/** The internal `knot.*` Helm values of one release (seeds: "Service templates"). */
export function releaseKnotValues(options: {
  release: string;
  profile: string;
  namespace: string;
  /** The parent domain of service hostnames. */
  domain: string;
  /** `https` unless set (the service URL's scheme). */
  scheme?: string;
  port?: number;
  /** URL-prefix mode: the host and path prefix services live under. */
  prefix?: ServiceExposure['prefix'];
  /** The portal's URL. */
  ingressUrl: string;
  urls?: KnotOptionalUrls;
}): Record<string, unknown> {
  const { release, profile, namespace, domain, prefix } = options;
  return {
    enabled: true,
    // The host the service's Ingress names, and the path the app is served
    // under (`/` on its own subdomain): apps that build links (Jupyter's
    // base_url) need both.
    hostname: prefix ? prefix.host : serviceHostname(release, profile, domain),
    basePath: prefix ? `${prefix.pathPrefix}/${release}-${profile}/` : '/',
    url: serviceUrl(release, profile, {
      domain,
      scheme: options.scheme ?? 'https',
      port: options.port,
      prefix,
    }),
    ...profileKnotValues({
      profile,
      namespace,
      ingressUrl: options.ingressUrl,
      urls: options.urls,
    }),
    privateVolume: PRIVATE_VOLUME_CLAIM,
    sharedVolume: SHARED_VOLUME_CLAIM,
  };
}

/**
 * `POST /api/knot/services`: deploy an offered chart as the signed-in user
 * (or on their behalf: the scaffolder's `knot:helm:install`), into the
 * namespace of the profile named in the `x-knot-profile` header.
 */
export interface KnotServiceInstallRequest {
  chart: string;
  /** The newest offered version when omitted. */
  version?: string;
  /** Set for a profile's own (private) chart: the owning profile. */
  chartProfile?: string;
  /** The release name; a suffix is added when it is taken. */
  name: string;
  values?: Record<string, unknown>;
}

/** Where a deployed service runs and how to reach it. */
export interface KnotServiceInstallResult {
  release: string;
  namespace: string;
  profile: string;
  url: string;
  entityRef: string;
}

/**
 * One line of the install route's answer (`application/x-ndjson`): helm's
 * progress lines as they come, then the result or the error.
 */
export type KnotServiceInstallEvent =
  | { type: 'log'; message: string }
  | { type: 'result'; result: KnotServiceInstallResult }
  | { type: 'error'; error: SerializedError };

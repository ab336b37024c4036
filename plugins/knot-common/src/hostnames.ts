import { USERNAME_PATTERN } from './profiles';

/**
 * The service hostname rule (seeds: "Service exposure"): a profile's service
 * `<service>` is reached at `<service>-<profile>.<domain>`. A hostname belongs
 * to exactly one profile; the backend, the webhook and the frontend all read
 * and write hostnames through these functions.
 */

/** Where a profile's services are exposed. */
export interface ServiceExposure {
  /** The parent domain of every service hostname. */
  domain: string;
  /** `https` (or `http` on a local cluster). */
  scheme: string;
  /**
   * The ingress's port when it is not the scheme's default (a local
   * cluster's ingress on an unprivileged port).
   */
  port?: number;
}

/** `<service>-<profile>.<domain>` */
export function serviceHostname(
  service: string,
  profile: string,
  domain: string,
): string {
  return `${service}-${profile}.${domain}`;
}

/** `<scheme>://<service>-<profile>.<domain>[:<port>]/` */
export function serviceUrl(
  service: string,
  profile: string,
  exposure: ServiceExposure,
): string {
  const host = serviceHostname(service, profile, exposure.domain);
  // URL drops the scheme's default port itself.
  const url = new URL(`${exposure.scheme}://${host}/`);
  if (exposure.port !== undefined) url.port = String(exposure.port);
  return url.toString();
}

/** A host name without its port, in lower case. */
function bareHost(host: string): string {
  return host.toLowerCase().replace(/:\d+$/, '');
}

/**
 * Whether `host` is one of `profile`'s hostnames, `<anything>-<profile>.<domain>`,
 * where `<anything>` is a single DNS label part.
 */
export function isProfileHost(
  host: string,
  profile: string,
  domain: string,
): boolean {
  const suffix = `-${profile}.${domain}`.toLowerCase();
  const h = host.toLowerCase();
  if (!h.endsWith(suffix)) return false;
  const head = h.slice(0, h.length - suffix.length);
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(head);
}

/**
 * The profiles that could own `host` under `domain`, longest service name
 * first: service and profile names may both hold dashes, so every split whose
 * tail is a valid profile name is a candidate.
 */
export function hostOwnerCandidates(host: string, domain: string): string[] {
  const suffix = `.${domain}`;
  const name = bareHost(host);
  if (!name.endsWith(suffix)) return [];
  const label = name.slice(0, -suffix.length);
  if (label.includes('.')) return [];
  const out: string[] = [];
  for (let i = label.length - 1; i > 0; i--) {
    if (label[i] !== '-') continue;
    const profile = label.slice(i + 1);
    if (label.slice(0, i) && USERNAME_PATTERN.test(profile)) out.push(profile);
  }
  return out;
}

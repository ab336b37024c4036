import { USERNAME_PATTERN } from './profiles';
import type { ServicePrefixExposure } from './servicePrefixes';

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
  /**
   * URL-prefix mode (`servicePrefixes.ts`): services at
   * `<scheme>://<host><pathPrefix>/<service>-<profile>/`; subdomain mode
   * when unset.
   */
  prefix?: ServicePrefixExposure;
}

/** `<service>-<profile>.<domain>` */
export function serviceHostname(
  service: string,
  profile: string,
  domain: string,
): string {
  return `${service}-${profile}.${domain}`;
}

/**
 * `<scheme>://<service>-<profile>.<domain>[:<port>]/`, or in prefix mode
 * `<scheme>://<host>[:<port>]<pathPrefix>/<service>-<profile>/`.
 */
export function serviceUrl(
  service: string,
  profile: string,
  exposure: ServiceExposure,
): string {
  const { prefix } = exposure;
  const host = prefix
    ? prefix.host
    : serviceHostname(service, profile, exposure.domain);
  const path = prefix ? `${prefix.pathPrefix}/${service}-${profile}/` : '/';
  // URL drops the scheme's default port itself.
  const url = new URL(`${exposure.scheme}://${host}${path}`);
  if (exposure.port !== undefined) url.port = String(exposure.port);
  return url.toString();
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
  const h = normalizeHost(host);
  if (!h || !h.endsWith(suffix)) return false;
  const head = h.slice(0, h.length - suffix.length);
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(head);
}

/**
 * The profiles that could own `host` under `domain`, longest service name
 * first: service and profile names may both hold dashes, so every split whose
 * tail is a valid profile name is a candidate.
 */
export function hostOwnerCandidates(host: string, domain: string): string[] {
  const suffix = `.${domain}`.toLowerCase();
  const name = normalizeHost(host);
  if (!name || !name.endsWith(suffix)) return [];
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

/**
 * A host as the rule compares it: lower case, without a port or a trailing
 * dot (`Hello-Alice.example.org.:443` → `hello-alice.example.org`);
 * undefined when it is not a DNS name at all.
 */
export function normalizeHost(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const name = host
    .trim()
    .toLowerCase()
    .replace(/:\d*$/, '')
    .replace(/\.$/, '');
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(
    name,
  )
    ? name
    : undefined;
}

/**
 * The profile a service hostname reads as, among the profiles that exist:
 * the longest candidate. `my-app-john-doe.<domain>` is john-doe's `my-app`
 * while john-doe exists, never doe's `my-app-john`: every hostname of
 * john-doe ends in `-doe.<domain>`, so a shorter name can never take the
 * hostnames of a longer one that ends like it.
 */
export function hostProfile(
  host: string,
  domain: string,
  profileExists: (profile: string) => boolean,
): string | undefined {
  return hostOwnerCandidates(host, domain)
    .filter(profileExists)
    .sort((a, b) => b.length - a.length)[0];
}

/** What admission knows when a profile's Ingress names a host. */
export interface HostClaim {
  /** The host as written in the Ingress. */
  host: string;
  /** The profile of the Ingress's namespace. */
  profile: string;
  domain: string;
  /** Whether a profile of this name exists (a Knot namespace). */
  profileExists: (profile: string) => boolean;
  /** Whether an Ingress in another namespace already names the host. */
  claimedElsewhere: boolean;
}

/**
 * Why a profile may not claim a hostname, in words for the user, or
 * undefined when it may: the host must be `<service>-<profile>.<domain>`,
 * must not read as a longer existing profile's host, and must not be named
 * by an Ingress of any other namespace. So each hostname belongs to exactly
 * one profile.
 */
export function hostClaimProblem(claim: HostClaim): string | undefined {
  const { profile, domain } = claim;
  const host = normalizeHost(claim.host);
  if (!host || !isProfileHost(host, profile, domain)) {
    return `Ingress host "${claim.host}" is not allowed: ${profile}'s services must use hosts of the form <name>-${profile}.${domain}`;
  }
  const reader = hostProfile(
    host,
    domain,
    p => p === profile || claim.profileExists(p),
  );
  if (reader !== undefined && reader !== profile) {
    return `Ingress host "${
      claim.host
    }" is not allowed: it names a service of the profile ${reader} (<name>-${reader}.${domain}); choose a service name that does not end in "-${reader.slice(
      0,
      reader.length - profile.length - 1,
    )}"`;
  }
  if (claim.claimedElsewhere) {
    return `Ingress host "${claim.host}" is not allowed: an Ingress in another namespace already uses it`;
  }
  return undefined;
}

/**
 * The one profile that owns a service hostname, or undefined when none or
 * more than one could (ambiguity is a refusal): exactly one namespace must
 * name the host in its Ingresses, it must be a profile's, and the host must
 * read as that profile's (no longer existing profile ends like it).
 *
 * @param claimants - the profile of each namespace whose Ingresses name the
 *   host, undefined for a namespace that is no profile's
 */
export function hostOwner(
  rawHost: string | undefined,
  domain: string,
  claimants: readonly (string | undefined)[],
  profileExists: (profile: string) => boolean,
): string | undefined {
  const host = normalizeHost(rawHost);
  if (!host || claimants.length !== 1) return undefined;
  const [profile] = claimants;
  if (!profile || !isProfileHost(host, profile, domain)) return undefined;
  const reader = hostProfile(
    host,
    domain,
    p => p === profile || profileExists(p),
  );
  return reader === profile ? profile : undefined;
}

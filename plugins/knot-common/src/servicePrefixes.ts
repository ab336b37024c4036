import { normalizeHost } from './hostnames';

/**
 * URL-prefix mode of service exposure (for sites without wildcard DNS or
 * certificates): a profile's service `<service>` is reached at
 * `<scheme>://<host><pathPrefix>/<service>-<profile>/` instead of
 * `<service>-<profile>.<domain>`. The first path segment after the prefix,
 * `<service>-<profile>`, is read with the same rule as a hostname's first
 * label: internally a prefix is addressed as `<service>-<profile>.<host>`
 * (its "address"), so that the hostname rule, the cluster's claims, shares
 * and idle stop treat prefixes exactly as they treat hostnames.
 */
export interface ServicePrefixExposure {
  /** The host serving every service's prefix (normalised, no port). */
  host: string;
  /** The path all services live under, `/services`: leading slash, none trailing. */
  pathPrefix: string;
}

/** The default path under which services live in prefix mode. */
export const DEFAULT_SERVICE_PATH_PREFIX = '/services';

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const PREFIX_SEGMENT = /^[a-z0-9]([-a-z0-9._~]*[a-z0-9])?$/;

/**
 * A configured path prefix in its one written form (`services/` →
 * `/services`), or an error naming the setting: only plain lower-case
 * segments, so that the router and forward-auth cannot read it differently.
 */
export function normalizePathPrefix(raw: string, setting: string): string {
  const segments = raw.split('/').filter(Boolean);
  if (
    segments.length === 0 ||
    !segments.every(s => PREFIX_SEGMENT.test(s) && s !== '..')
  ) {
    throw new Error(
      `${setting} must be a path such as '${DEFAULT_SERVICE_PATH_PREFIX}' (lower-case letters, digits, '-', '.', '_', '~' between slashes), not '${raw}'`,
    );
  }
  return `/${segments.join('/')}`;
}

/** `<pathPrefix>/<service>-<profile>/`: a service's base path. */
export function servicePath(
  service: string,
  profile: string,
  pathPrefix: string,
): string {
  return `${pathPrefix}/${service}-${profile}/`;
}

/** The address a prefix's label stands for: `<label>.<host>`. */
export function prefixAddress(label: string, host: string): string {
  return `${label}.${host}`;
}

/** What a request path claims: the service label, or why it is refused. */
export type ServicePathClaim =
  | { label: string; problem?: undefined }
  | { label?: undefined; problem: string };

/**
 * The service label a request path names (`/services/app-alice/x` →
 * `app-alice`), read as strictly as any router could read it: the path is
 * refused outright when two readings could differ — dot segments (`..`,
 * `.`, even percent-encoded), encoded slashes or backslashes (a router that
 * decodes them sees other segments), backslashes, control characters,
 * malformed escapes, or empty segments before the label (`//`). The label is
 * exactly the first segment after the prefix, lower-cased: `app-alice-x`
 * is never `app-alice`.
 *
 * @param rawPath - the path as the client sent it (a query is ignored)
 */
export function servicePathClaim(
  rawPath: string,
  pathPrefix: string,
): ServicePathClaim {
  const path = rawPath.split(/[?#]/)[0];
  const notService = {
    problem: `The address ${path} is not one of a service: services are at ${pathPrefix}/<service>-<profile>/`,
  };
  if (!path.startsWith('/')) return notService;
  if (
    /%(2f|5c|2e|[01][0-9a-f]|7f)/i.test(path) ||
    [...path].some(
      c => c === '\\' || c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f,
    )
  ) {
    return {
      problem: `The address ${path} is refused: it holds encoded slashes or dots, backslashes or control characters`,
    };
  }
  let segments: string[];
  try {
    segments = path.split('/').map(segment => decodeURIComponent(segment));
  } catch {
    return { problem: `The address ${path} is refused: malformed escapes` };
  }
  if (segments.some(segment => segment === '.' || segment === '..')) {
    return {
      problem: `The address ${path} is refused: it holds '.' or '..' segments`,
    };
  }
  const prefix = pathPrefix.split('/').slice(1);
  // segments[0] is the empty string before the leading slash.
  const head = segments.slice(1, prefix.length + 1);
  if (
    head.length !== prefix.length ||
    head.some((segment, i) => segment.toLowerCase() !== prefix[i])
  ) {
    return notService;
  }
  const label = segments[prefix.length + 1]?.toLowerCase();
  if (!label || !LABEL.test(label)) return notService;
  return { label };
}

/** The parts of an Ingress whose addresses are read. */
export interface AddressIngress {
  spec?: {
    rules?: {
      host?: string;
      http?: { paths?: { path?: string }[] };
    }[];
    tls?: { hosts?: string[] }[];
  };
}

/**
 * Every address an Ingress names in prefix mode, normalised: for a rule of
 * the prefix host, one `<label>.<host>` per service path (a path that is
 * no service's names the host itself); any other host (and the TLS
 * sections) as it is.
 */
export function ingressPrefixAddresses(
  ingress: AddressIngress,
  prefix: ServicePrefixExposure,
): string[] {
  const out = new Set<string>();
  for (const rule of ingress.spec?.rules ?? []) {
    const host = normalizeHost(rule?.host);
    if (!host) continue;
    if (host !== prefix.host) {
      out.add(host);
      continue;
    }
    for (const p of rule.http?.paths ?? []) {
      const claim = servicePathClaim(p?.path ?? '/', prefix.pathPrefix);
      out.add(claim.label ? prefixAddress(claim.label, host) : host);
    }
  }
  for (const tls of ingress.spec?.tls ?? []) {
    for (const h of tls?.hosts ?? []) {
      const host = normalizeHost(h);
      if (host) out.add(host);
    }
  }
  return [...out];
}

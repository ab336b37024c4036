import {
  type ServiceHostClaims,
  type ServicePrefixExposure,
  hostProfile,
  isProfileHost,
  normalizeHost,
  prefixAddress,
  servicePathClaim,
} from '@knot-platform/plugin-knot-common';
import { MalformedObjectError, isObject } from '../mutation/podTemplates';
import { ingressHosts } from './ingressHosts';

/**
 * URL-prefix mode: the denial message for the first rule of a profile's
 * Ingress that does not stay inside the profile's own prefixes, if any.
 * Every host (rules and TLS) must be the prefix host; every path must be
 * `Prefix` or `Exact` (an `ImplementationSpecific` path may be a regular
 * expression) and lie under `<pathPrefix>/<name>-<profile>` exactly as
 * written (lower case, no dot segments or escapes), where the label follows
 * the hostname rule: no longer existing profile reads it as its own, and no
 * other namespace's Ingress names it.
 */
export function checkIngressPrefixes(
  ingress: Record<string, any>,
  profile: string,
  namespace: string,
  prefix: ServicePrefixExposure,
  claims: ServiceHostClaims,
): string | undefined {
  const form = `${prefix.host}${prefix.pathPrefix}/<name>-${profile}/`;
  for (const host of ingressHosts(ingress)) {
    if (normalizeHost(host) !== prefix.host) {
      return `Ingress host "${
        host ?? ''
      }" is not allowed: services are exposed under URL prefixes, ${profile}'s at ${form}`;
    }
  }
  for (const rule of ingress.spec?.rules ?? []) {
    const paths = isObject(rule) ? rule.http?.paths : undefined;
    if (!Array.isArray(paths) || paths.length === 0) {
      return `Ingress rules must list the paths they route, under ${form}`;
    }
    for (const entry of paths) {
      if (!isObject(entry)) {
        throw new MalformedObjectError(
          'spec.rules[].http.paths must be a list of objects',
        );
      }
      const path = typeof entry.path === 'string' ? entry.path : '';
      if (entry.pathType !== 'Prefix' && entry.pathType !== 'Exact') {
        return `Ingress path "${path}" is not allowed: its pathType must be Prefix or Exact`;
      }
      const claim = servicePathClaim(path, prefix.pathPrefix);
      const base = claim.label && `${prefix.pathPrefix}/${claim.label}`;
      if (
        !claim.label ||
        (path !== base && !path.startsWith(`${base}/`)) ||
        path.includes('//')
      ) {
        return `Ingress path "${path}" is not allowed: ${profile}'s services must use paths under ${form}`;
      }
      const address = prefixAddress(claim.label, prefix.host);
      if (!isProfileHost(address, profile, prefix.host)) {
        return `Ingress path "${path}" is not allowed: ${profile}'s services must use paths under ${form}`;
      }
      const reader = hostProfile(
        address,
        prefix.host,
        p => p === profile || claims.profileExists(p),
      );
      if (reader !== undefined && reader !== profile) {
        return `Ingress path "${path}" is not allowed: it names a service of the profile ${reader} (${
          prefix.pathPrefix
        }/<name>-${reader}/); choose a service name that does not end in "-${reader.slice(
          0,
          reader.length - profile.length - 1,
        )}"`;
      }
      if (claims.namespacesNaming(address).some(other => other !== namespace)) {
        return `Ingress path "${path}" is not allowed: an Ingress in another namespace already uses ${base}`;
      }
    }
  }
  return undefined;
}

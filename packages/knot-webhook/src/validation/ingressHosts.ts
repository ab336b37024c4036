import {
  type ServiceHostClaims,
  hostClaimProblem,
} from '@knot-platform/plugin-knot-common';
import { MalformedObjectError, isObject } from '../mutation/podTemplates';

/** Every hostname an ingress claims (rules and TLS sections). */
export function ingressHosts(
  ingress: Record<string, any>,
): (string | undefined)[] {
  const spec = ingress.spec;
  if (spec === undefined || spec === null) return [];
  if (!isObject(spec)) throw new MalformedObjectError('spec must be an object');
  const hosts: (string | undefined)[] = [];
  const rules = spec.rules ?? [];
  if (!Array.isArray(rules))
    throw new MalformedObjectError('spec.rules must be a list');
  for (const rule of rules) {
    if (!isObject(rule))
      throw new MalformedObjectError('spec.rules must be a list of objects');
    hosts.push(
      typeof rule.host === 'string' && rule.host !== '' ? rule.host : undefined,
    );
  }
  const tls = spec.tls ?? [];
  if (!Array.isArray(tls))
    throw new MalformedObjectError('spec.tls must be a list');
  for (const entry of tls) {
    if (!isObject(entry))
      throw new MalformedObjectError('spec.tls must be a list of objects');
    const names = entry.hosts ?? [];
    if (!Array.isArray(names))
      throw new MalformedObjectError('spec.tls[].hosts must be a list');
    for (const name of names) {
      hosts.push(typeof name === 'string' && name !== '' ? name : undefined);
    }
  }
  return hosts;
}

/** The denial message for the first host the profile may not claim, if any. */
export function checkIngressHosts(
  ingress: Record<string, any>,
  profile: string,
  namespace: string,
  domain: string,
  claims: ServiceHostClaims,
): string | undefined {
  for (const host of ingressHosts(ingress)) {
    if (host === undefined) {
      return `Ingress rules must name a host of the form <name>-${profile}.${domain}; a rule without a host would catch every hostname`;
    }
    const problem = hostClaimProblem({
      host,
      profile,
      domain,
      profileExists: claims.profileExists,
      claimedElsewhere: claims
        .namespacesNaming(host)
        .some(other => other !== namespace),
    });
    if (problem) return problem;
  }
  return undefined;
}

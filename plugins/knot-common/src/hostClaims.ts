import { KNOT_NAMESPACE_ENABLED, KNOT_NAMESPACE_LABEL } from './labels';
import { hostProfile, normalizeHost } from './hostnames';
import { namespaceProfile } from './profiles';
import { HELM_RELEASE_NAME_ANNOTATION } from './sharing';
import {
  type AddressIngress,
  type ServicePrefixExposure,
  ingressPrefixAddresses,
} from './servicePrefixes';

/** The parts of a Namespace the claims read. */
export interface ClaimNamespace {
  metadata?: { name?: string; labels?: Record<string, string> };
}

/** The parts of an Ingress the claims read. */
export interface ClaimIngress {
  metadata?: {
    name?: string;
    namespace?: string;
    annotations?: Record<string, string>;
  };
  spec?: AddressIngress['spec'];
}

/** Every host an Ingress names (rules and TLS sections), normalised. */
export function ingressHostNames(ingress: ClaimIngress): string[] {
  const hosts = [
    ...(ingress.spec?.rules ?? []).map(rule => rule?.host),
    ...(ingress.spec?.tls ?? []).flatMap(tls => tls?.hosts ?? []),
  ];
  return [
    ...new Set(
      hosts.map(h => normalizeHost(h)).filter((h): h is string => !!h),
    ),
  ];
}

/**
 * Who claims which service hostname in a cluster: the namespaces whose
 * Ingresses name each host, and the profiles that exist — the namespaces
 * Knot labelled `knot: enabled` (the label the webhooks select on, which
 * users cannot set), named `<prefix><profile>`. Read by the webhook at
 * admission and by forward-auth with the hostname rule (`hostnames.ts`).
 */
export class ServiceHostClaims {
  private readonly byHost = new Map<string, Set<string>>();
  /** The Helm release of each Ingress naming a host (undefined: none). */
  private readonly releasesByHost = new Map<string, Set<string | undefined>>();
  private readonly profileByNamespace = new Map<string, string>();
  private readonly profiles = new Set<string>();

  constructor(
    namespaces: readonly ClaimNamespace[],
    ingresses: readonly ClaimIngress[],
    namespacePrefix: string,
    /** URL-prefix mode: Ingresses of the prefix host name addresses. */
    prefix?: ServicePrefixExposure,
  ) {
    for (const ns of namespaces) {
      const name = ns.metadata?.name;
      if (
        ns.metadata?.labels?.[KNOT_NAMESPACE_LABEL] !== KNOT_NAMESPACE_ENABLED
      )
        continue;
      const profile = namespaceProfile(name, namespacePrefix);
      if (!name || !profile) continue;
      this.profileByNamespace.set(name, profile);
      this.profiles.add(profile);
    }
    for (const ingress of ingresses) {
      const namespace = ingress.metadata?.namespace ?? '';
      const names = prefix
        ? ingressPrefixAddresses(ingress, prefix)
        : ingressHostNames(ingress);
      for (const host of names) {
        if (!this.byHost.has(host)) this.byHost.set(host, new Set());
        this.byHost.get(host)!.add(namespace);
        if (!this.releasesByHost.has(host)) {
          this.releasesByHost.set(host, new Set());
        }
        this.releasesByHost
          .get(host)!
          .add(ingress.metadata?.annotations?.[HELM_RELEASE_NAME_ANNOTATION]);
      }
    }
  }

  /** Whether a profile of this name exists. */
  profileExists = (profile: string): boolean => this.profiles.has(profile);

  /** Every host an Ingress names. */
  hosts(): string[] {
    return [...this.byHost.keys()];
  }

  /** The namespaces whose Ingresses name the host. */
  namespacesNaming(host: string): string[] {
    const name = normalizeHost(host);
    return name ? [...(this.byHost.get(name) ?? [])] : [];
  }

  /**
   * The one Helm release whose Ingresses name the host, or undefined when
   * none does, or one that Helm did not install does, or several do: a
   * share of one release never opens a host another Ingress also serves.
   */
  releaseAt(host: string): string | undefined {
    const name = normalizeHost(host);
    const releases = name ? this.releasesByHost.get(name) : undefined;
    if (!releases || releases.size !== 1) return undefined;
    return [...releases][0];
  }

  /** The profile of each namespace naming the host (undefined: not a profile's). */
  claimants(host: string): (string | undefined)[] {
    return this.namespacesNaming(host).map(ns =>
      this.profileByNamespace.get(ns),
    );
  }
}

/**
 * Why a new profile (a user signing up, a team, an approval) may not take
 * `name`, in words for the user, or undefined when it may: no service
 * hostname another profile already uses may read as the new profile's.
 * Service and profile names both hold dashes, and a hostname reads as the
 * longest profile it ends with: with doe's service `my-app-john` at
 * `my-app-john-doe.<domain>`, a profile `john-doe` would take that hostname
 * (forward-auth then refuses it as ambiguous, and doe loses the service).
 */
export function newProfileNameProblem(
  name: string,
  domain: string,
  claims: ServiceHostClaims,
  /** URL-prefix mode: addresses are shown as the prefixes they stand for. */
  prefix?: ServicePrefixExposure,
): string | undefined {
  const shown = (address: string) =>
    prefix && address.endsWith(`.${prefix.host}`)
      ? `${prefix.host}${prefix.pathPrefix}/${address.slice(
          0,
          -prefix.host.length - 1,
        )}/`
      : address;
  for (const host of claims.hosts()) {
    const others = claims
      .claimants(host)
      .filter(profile => profile !== undefined && profile !== name);
    if (others.length === 0) continue;
    const reader = hostProfile(
      host,
      domain,
      p => p === name || claims.profileExists(p),
    );
    if (reader === name) {
      return `The name '${name}' cannot be used: the address ${shown(
        host,
      )} of another profile's service would then read as a service of '${name}'. Please choose another name`;
    }
  }
  return undefined;
}

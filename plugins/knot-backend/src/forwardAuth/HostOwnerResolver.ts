import {
  KNOT_NAMESPACE_ENABLED,
  KNOT_NAMESPACE_LABEL,
  ServiceHostClaims,
  hostOwner,
} from '@knot-platform/plugin-knot-common';
import type { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';

/** Which profile owns the service at a hostname. */
export interface HostOwnerResolver {
  /** The one owner, or undefined when no profile or more than one could be. */
  ownerOf(host: string): Promise<string | undefined>;
}

/**
 * The owner by the hostname rule (`hostOwner` in knot-common): exactly one
 * namespace's Ingresses name the host, it is a profile's, and no longer
 * existing profile name reads the host as its own. The cluster's claims
 * (every Ingress, the Knot namespaces) are read at most every `ttlMs`:
 * forward-auth runs on every request to a service.
 */
export class IngressHostOwnerResolver implements HostOwnerResolver {
  private snapshot?: { at: number; claims: Promise<ServiceHostClaims> };

  constructor(
    private readonly kubernetes: KubernetesClientFactory,
    private readonly domain: string,
    private readonly namespacePrefix: string,
    private readonly ttlMs = 5_000,
  ) {}

  async ownerOf(host: string): Promise<string | undefined> {
    const claims = await this.claims();
    return hostOwner(
      host,
      this.domain,
      claims.claimants(host),
      claims.profileExists,
    );
  }

  private claims(): Promise<ServiceHostClaims> {
    if (this.snapshot && Date.now() - this.snapshot.at < this.ttlMs) {
      return this.snapshot.claims;
    }
    const claims = this.read();
    const snapshot = { at: Date.now(), claims };
    this.snapshot = snapshot;
    // A failed read is not kept: the next request asks again.
    claims.catch(() => {
      if (this.snapshot === snapshot) this.snapshot = undefined;
    });
    return claims;
  }

  private async read(): Promise<ServiceHostClaims> {
    const [networking, core] = await Promise.all([
      this.kubernetes.makeClient(lib => lib.NetworkingV1Api),
      this.kubernetes.makeClient(lib => lib.CoreV1Api),
    ]);
    const [ingresses, namespaces] = await Promise.all([
      networking.listIngressForAllNamespaces(),
      core.listNamespace({
        labelSelector: `${KNOT_NAMESPACE_LABEL}=${KNOT_NAMESPACE_ENABLED}`,
      }),
    ]);
    return new ServiceHostClaims(
      namespaces.items as any,
      ingresses.items as any,
      this.namespacePrefix,
    );
  }
}

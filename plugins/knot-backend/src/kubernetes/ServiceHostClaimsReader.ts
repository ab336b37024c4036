import {
  KNOT_NAMESPACE_ENABLED,
  KNOT_NAMESPACE_LABEL,
  ServiceHostClaims,
  type ServicePrefixExposure,
} from '@knot-platform/plugin-knot-common';
import type { KubernetesClientFactory } from './KubernetesClientFactory';

/**
 * The cluster's service host claims (every Ingress, the Knot namespaces),
 * read at most every `ttlMs`: forward-auth asks on every request to a
 * service, and sign-up asks too. A caller may ask for a fresher snapshot
 * (`maxAgeMs`), e.g. when the cached one does not know a host yet.
 */
export class ServiceHostClaimsReader {
  private snapshot?: { at: number; claims: Promise<ServiceHostClaims> };

  constructor(
    private readonly kubernetes: KubernetesClientFactory,
    private readonly namespacePrefix: string,
    private readonly ttlMs = 5_000,
    /** URL-prefix mode: Ingresses of the prefix host name addresses. */
    private readonly prefix?: ServicePrefixExposure,
  ) {}

  claims(maxAgeMs = this.ttlMs): Promise<ServiceHostClaims> {
    const maxAge = Math.min(maxAgeMs, this.ttlMs);
    if (this.snapshot && Date.now() - this.snapshot.at < maxAge) {
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
      this.prefix,
    );
  }
}

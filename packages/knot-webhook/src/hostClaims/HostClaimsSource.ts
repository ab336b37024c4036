import {
  type ClaimIngress,
  type ClaimNamespace,
  ServiceHostClaims,
  type ServicePrefixExposure,
} from '@knot-platform/plugin-knot-common';

/**
 * Where the webhook learns which hostnames are claimed and which profiles
 * exist: every Ingress of the cluster, and the namespaces labelled
 * `knot: enabled` (Knot's provisioning sets the label; users cannot).
 */
export interface HostClaimsSource {
  /** In URL-prefix mode (`prefix`), Ingresses of the prefix host name addresses. */
  claims(prefix?: ServicePrefixExposure): Promise<ServiceHostClaims>;
}

/** Fixed objects, for tests and the benchmark. */
export class StaticHostClaimsSource implements HostClaimsSource {
  constructor(
    private readonly namespaces: ClaimNamespace[] = [],
    private readonly ingresses: ClaimIngress[] = [],
    private readonly namespacePrefix = 'knot-',
  ) {}

  async claims(prefix?: ServicePrefixExposure): Promise<ServiceHostClaims> {
    return new ServiceHostClaims(
      this.namespaces,
      this.ingresses,
      this.namespacePrefix,
      prefix,
    );
  }
}

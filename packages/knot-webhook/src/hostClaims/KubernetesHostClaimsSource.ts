import type * as k8s from '@kubernetes/client-node';
import {
  KNOT_NAMESPACE_ENABLED,
  KNOT_NAMESPACE_LABEL,
  ServiceHostClaims,
  type ServicePrefixExposure,
} from '@knot-platform/plugin-knot-common';
import { loadClientNode } from '../datasets/loadClientNode';
import type { HostClaimsSource } from './HostClaimsSource';

/**
 * Reads the claims from the API server for each Ingress review (not for
 * pods: Ingresses are created rarely, and a fresh read keeps the window in
 * which two namespaces could claim one host to the two requests' overlap;
 * forward-auth refuses a host named by two namespaces anyway). Needs `list`
 * on ingresses and namespaces cluster-wide.
 */
export class KubernetesHostClaimsSource implements HostClaimsSource {
  constructor(
    private readonly networking: k8s.NetworkingV1Api,
    private readonly core: k8s.CoreV1Api,
    private readonly namespacePrefix: string,
  ) {}

  static fromKubeconfig(kubeconfig: string | undefined, prefix: string) {
    const lib = loadClientNode();
    const kc = new lib.KubeConfig();
    if (kubeconfig) kc.loadFromFile(kubeconfig);
    else kc.loadFromDefault();
    return new KubernetesHostClaimsSource(
      kc.makeApiClient(lib.NetworkingV1Api),
      kc.makeApiClient(lib.CoreV1Api),
      prefix,
    );
  }

  async claims(prefix?: ServicePrefixExposure): Promise<ServiceHostClaims> {
    const [ingresses, namespaces] = await Promise.all([
      this.networking.listIngressForAllNamespaces(),
      this.core.listNamespace({
        labelSelector: `${KNOT_NAMESPACE_LABEL}=${KNOT_NAMESPACE_ENABLED}`,
      }),
    ]);
    return new ServiceHostClaims(
      namespaces.items as any,
      ingresses.items as any,
      this.namespacePrefix,
      prefix,
    );
  }
}

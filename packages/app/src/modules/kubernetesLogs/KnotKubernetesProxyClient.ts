import type { KubernetesProxyApi } from '@backstage/plugin-kubernetes';
import type { KnotApi } from '@knot-platform/plugin-knot';

/**
 * The Kubernetes tab's pod actions. The Kubernetes plugin reads a pod's log
 * through its proxy, which acts with the portal's cluster-wide account and
 * is for Knot admins only; a pod of a Knot profile's release is read
 * through Knot's logs route instead, as the profile, with the checks of the
 * Services page's Logs dialog (who may act as the profile, the pod really
 * the release's). Everything else goes to the plugin's own client.
 */
export class KnotKubernetesProxyClient implements KubernetesProxyApi {
  constructor(
    private readonly knotApi: Pick<KnotApi, 'readPodLog'>,
    private readonly proxy: KubernetesProxyApi,
  ) {}

  async getPodLogs(
    request: Parameters<KubernetesProxyApi['getPodLogs']>[0],
  ): Promise<{ text: string }> {
    const text = await this.knotApi.readPodLog({
      namespace: request.namespace,
      pod: request.podName,
      container: request.containerName,
      previous: request.previous,
    });
    return text === undefined ? this.proxy.getPodLogs(request) : { text };
  }

  deletePod(request: Parameters<KubernetesProxyApi['deletePod']>[0]) {
    return this.proxy.deletePod(request);
  }

  getEventsByInvolvedObjectName(
    request: Parameters<KubernetesProxyApi['getEventsByInvolvedObjectName']>[0],
  ) {
    return this.proxy.getEventsByInvolvedObjectName(request);
  }
}

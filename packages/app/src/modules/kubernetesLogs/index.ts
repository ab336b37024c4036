import {
  ApiBlueprint,
  createFrontendModule,
} from '@backstage/frontend-plugin-api';
import {
  KubernetesProxyClient,
  kubernetesApiRef,
  kubernetesProxyApiRef,
} from '@backstage/plugin-kubernetes';
import { knotApiRef } from '@knot-platform/plugin-knot';
import { KnotKubernetesProxyClient } from './KnotKubernetesProxyClient';

/**
 * Replaces the Kubernetes plugin's proxy API (`api:kubernetes/proxy`) so
 * that the catalog's Kubernetes tab shows a release's container logs to who
 * may act as its profile, through Knot's logs route.
 */
export const kubernetesLogsModule = createFrontendModule({
  pluginId: 'kubernetes',
  extensions: [
    ApiBlueprint.make({
      name: 'proxy',
      params: defineParams =>
        defineParams({
          api: kubernetesProxyApiRef,
          deps: { kubernetesApi: kubernetesApiRef, knotApi: knotApiRef },
          factory: ({ kubernetesApi, knotApi }) =>
            new KnotKubernetesProxyClient(
              knotApi,
              new KubernetesProxyClient({ kubernetesApi }),
            ),
        }),
    }),
  ],
});

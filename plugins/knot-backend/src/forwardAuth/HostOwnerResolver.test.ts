import {
  KNOT_NAMESPACE_ENABLED,
  KNOT_NAMESPACE_LABEL,
} from '@knot-platform/plugin-knot-common';
import type { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import { ServiceHostClaimsReader } from '../kubernetes/ServiceHostClaimsReader';
import { IngressHostOwnerResolver } from './HostOwnerResolver';

const domain = 'knot.example.org';

/** A cluster whose Ingresses the test adds, counting the reads. */
function fakeCluster() {
  const ingresses: object[] = [];
  const api = {
    reads: 0,
    listIngressForAllNamespaces: async () => {
      api.reads++;
      return { items: [...ingresses] };
    },
    listNamespace: async () => ({
      items: ['knot-alice'].map(name => ({
        metadata: {
          name,
          labels: { [KNOT_NAMESPACE_LABEL]: KNOT_NAMESPACE_ENABLED },
        },
      })),
    }),
  };
  const kubernetes = {
    makeClient: async () => api,
  } as unknown as KubernetesClientFactory;
  const addIngress = (namespace: string, host: string) =>
    ingresses.push({
      metadata: { namespace, name: host.split('.')[0] },
      spec: { rules: [{ host }] },
    });
  return { api, kubernetes, addIngress };
}

describe('IngressHostOwnerResolver', () => {
  it('serves a service created after the cached snapshot without waiting for the cache to expire', async () => {
    const cluster = fakeCluster();
    const resolver = new IngressHostOwnerResolver(
      new ServiceHostClaimsReader(cluster.kubernetes, 'knot-', 60_000),
      domain,
      0,
    );
    expect(await resolver.ownerOf(`old-alice.${domain}`)).toBeUndefined();
    cluster.addIngress('knot-alice', `new-alice.${domain}`);
    expect(await resolver.ownerOf(`new-alice.${domain}`)).toBe('alice');
  });

  it('reads the cluster for unknown hosts at most once per miss interval', async () => {
    const cluster = fakeCluster();
    cluster.addIngress('knot-alice', `lab-alice.${domain}`);
    const resolver = new IngressHostOwnerResolver(
      new ServiceHostClaimsReader(cluster.kubernetes, 'knot-', 60_000),
      domain,
      60_000,
    );
    for (let i = 0; i < 20; i++) {
      expect(await resolver.ownerOf(`x${i}-alice.${domain}`)).toBeUndefined();
      expect(await resolver.ownerOf(`lab-alice.${domain}`)).toBe('alice');
    }
    expect(cluster.api.reads).toBe(1);
  });
});

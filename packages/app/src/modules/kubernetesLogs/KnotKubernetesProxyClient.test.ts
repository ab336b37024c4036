import type { KubernetesProxyApi } from '@backstage/plugin-kubernetes';
import { KnotKubernetesProxyClient } from './KnotKubernetesProxyClient';

describe('KnotKubernetesProxyClient', () => {
  const proxy = {
    getPodLogs: jest.fn(async () => ({ text: 'from the proxy' })),
    deletePod: jest.fn(async () => ({ text: '' })),
    getEventsByInvolvedObjectName: jest.fn(async () => []),
  } as KubernetesProxyApi & Record<string, jest.Mock>;
  const request = {
    podName: 'web-1',
    namespace: 'knot-alice',
    clusterName: 'local',
    containerName: 'server',
    previous: true,
  };

  beforeEach(() => jest.clearAllMocks());

  it("reads a profile's pod log through Knot, never through the proxy", async () => {
    const readPodLog = jest.fn(async () => 'from knot\n');
    const client = new KnotKubernetesProxyClient({ readPodLog }, proxy);
    expect(await client.getPodLogs(request)).toEqual({ text: 'from knot\n' });
    expect(readPodLog).toHaveBeenCalledWith({
      namespace: 'knot-alice',
      pod: 'web-1',
      container: 'server',
      previous: true,
    });
    expect(proxy.getPodLogs).not.toHaveBeenCalled();
  });

  it("passes Knot's refusal on instead of asking the proxy", async () => {
    const client = new KnotKubernetesProxyClient(
      {
        readPodLog: async () => {
          throw new Error('You may not act as alice');
        },
      },
      proxy,
    );
    await expect(client.getPodLogs(request)).rejects.toThrow(
      'You may not act as alice',
    );
    expect(proxy.getPodLogs).not.toHaveBeenCalled();
  });

  it('leaves other namespaces to the proxy', async () => {
    const client = new KnotKubernetesProxyClient(
      { readPodLog: async () => undefined },
      proxy,
    );
    expect(
      await client.getPodLogs({ ...request, namespace: 'kube-system' }),
    ).toEqual({ text: 'from the proxy' });
  });
});

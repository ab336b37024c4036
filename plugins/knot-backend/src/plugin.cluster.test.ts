import { mockCredentials } from '@backstage/backend-test-utils';
import {
  describeWithCluster,
  startKnotTestBackend,
  testKubeconfig,
} from '@knot-platform/knot-test-utils';
import request from 'supertest';

// Start-up runs the user store and OIDC migrations: slow on a busy machine.
jest.setTimeout(30_000);

describeWithCluster('knotPlugin against the real cluster', () => {
  it('reports the API server reachable, with its version', async () => {
    const { server } = await startKnotTestBackend({
      config: {
        // Generous: this asserts reachability, not latency, on a busy machine.
        knot: {
          kubernetes: {
            kubeconfig: testKubeconfig()!,
            healthTimeoutMs: 20_000,
          },
          // Other suites share the cluster: never sweep their namespaces.
          provisioning: { removeOrphans: false },
        },
      },
    });
    const response = await request(server)
      .get('/api/knot/health')
      .set('Authorization', mockCredentials.user.header());
    expect(response.status).toBe(200);
    expect(response.body.kubernetes).toEqual({
      reachable: true,
      server: expect.stringMatching(/^https:\/\//),
      version: expect.stringMatching(/^v1\.\d+\.\d+/),
    });
  });
});

import { mockCredentials } from '@backstage/backend-test-utils';
import { startKnotTestBackend } from '@knot-platform/knot-test-utils';
import request from 'supertest';

// Start-up runs the user store and OIDC migrations: slow on a busy machine.
jest.setTimeout(30_000);

describe('knotPlugin', () => {
  async function startWithKubeconfig(kubeconfig: string) {
    const { server } = await startKnotTestBackend({
      config: { knot: { kubernetes: { kubeconfig, healthTimeoutMs: 1000 } } },
    });
    return server;
  }

  it('refuses unauthenticated health requests with 401', async () => {
    const server = await startWithKubeconfig('/nonexistent/kubeconfig');
    const response = await request(server)
      .get('/api/knot/health')
      .set('Authorization', mockCredentials.none.header());
    expect(response.status).toBe(401);
  });

  it('reports an unreachable cluster without failing', async () => {
    const server = await startWithKubeconfig('/nonexistent/kubeconfig');
    const response = await request(server)
      .get('/api/knot/health')
      .set('Authorization', mockCredentials.user.header());
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'ok',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      kubernetes: { reachable: false, error: expect.any(String) },
    });
  });
});

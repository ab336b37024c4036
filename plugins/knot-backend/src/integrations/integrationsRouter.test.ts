import { mockCredentials } from '@backstage/backend-test-utils';
import { startKnotTestBackend } from '@knot-platform/knot-test-utils';
import request from 'supertest';

// Start-up runs the user store and OIDC migrations: slow on a busy machine.
jest.setTimeout(30_000);

describe('GET /api/knot/integrations', () => {
  it('lists the enabled integrations to signed-in users, never their secrets', async () => {
    const { server } = await startKnotTestBackend({
      config: {
        knot: {
          kubernetes: { kubeconfig: '/nonexistent/kubeconfig' },
          integrations: {
            grafana: {
              url: 'https://grafana.example/',
              oidc: { clientSecret: 'grafana-secret' },
            },
            argoWorkflows: {
              url: 'https://argo.example',
              oidc: { clientId: 'argo', clientSecret: 'argo-secret' },
            },
            jupyterhub: {
              enabled: false,
              url: 'https://jupyter.example',
              oidc: { clientSecret: 'hub-secret' },
            },
          },
        },
      },
    });

    const anonymous = await request(server)
      .get('/api/knot/integrations')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);

    const response = await request(server)
      .get('/api/knot/integrations')
      .set('Authorization', mockCredentials.user.header());
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      items: [
        {
          name: 'argoWorkflows',
          title: 'Argo Workflows',
          purpose: 'Workflow service',
          url: 'https://argo.example',
        },
        {
          name: 'grafana',
          title: 'Grafana',
          purpose: 'Metrics service',
          url: 'https://grafana.example',
        },
      ],
    });
    expect(response.text).not.toMatch(/secret|oidc|client/i);
  });

  it('refuses to start with a URL that is not http(s)', async () => {
    await expect(
      startKnotTestBackend({
        config: {
          knot: {
            integrations: {
              harbor: {
                url: 'ftp://harbor.example',
                oidc: { clientSecret: 'harbor-secret' },
              },
            },
          },
        },
      }),
    ).rejects.toThrow(/knot.integrations.harbor.url must be an http\(s\) URL/);
  });
});

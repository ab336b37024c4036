import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { knotPlugin } from '../plugin';

// The admin routes as mounted by the plugin, with the TEMPORARY config admin
// check (`knot.provisioning.admins`); none of these requests reach the cluster.
describe('provisioning admin routes', () => {
  async function start(admins: string[]) {
    const { server } = await startTestBackend({
      features: [
        knotPlugin,
        mockServices.rootConfig.factory({
          data: {
            knot: {
              kubernetes: { kubeconfig: '/nonexistent/kubeconfig' },
              provisioning: { admins },
            },
          },
        }),
      ],
    });
    return server;
  }

  it('refuses unauthenticated requests with 401', async () => {
    const res = await request(await start(['mock']))
      .get('/api/knot/provisioning/profiles')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  it('refuses signed-in users who are not admins with 403', async () => {
    const res = await request(await start(['someone-else']))
      .post('/api/knot/provisioning/reconcile')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe('Only Knot admins may do this');
  });

  it('answers 400 for a malformed profile name', async () => {
    const res = await request(await start(['mock']))
      .post('/api/knot/provisioning/reconcile')
      .set('Authorization', mockCredentials.user.header())
      .send({ profile: '../etc' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/must be a user or team name/);
  });
});

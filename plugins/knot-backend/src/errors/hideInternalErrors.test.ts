import request from 'supertest';
import { mockCredentials } from '@backstage/backend-test-utils';
import { startKnotTestBackend } from '@knot-platform/knot-test-utils';

// Backstage's error handler shows stacks only when NODE_ENV=development,
// but serialises every other property of an error and its cause.
describe('error answers of the knot plugin in production', () => {
  const nodeEnv = process.env.NODE_ENV;
  let server: Awaited<ReturnType<typeof startKnotTestBackend>>['server'];

  beforeAll(async () => {
    process.env.NODE_ENV = 'production';
    ({ server } = await startKnotTestBackend({
      config: {
        knot: {
          identity: { admins: ['ops'] },
          // Listing services fails inside: helm is missing, the kubeconfig
          // too — both errors name paths of the backend's filesystem.
          services: { helmPath: '/nonexistent/knot-test/bin/helm' },
        },
      },
    }));
  });

  afterAll(() => {
    process.env.NODE_ENV = nodeEnv;
  });

  const noInternals = (text: string) => {
    expect(text).not.toMatch(/\/nonexistent|kubeconfig|ENOENT|spawn/);
    expect(text).not.toMatch(/\bat .+:\d+:\d+|\.(ts|js):\d+|node_modules/);
  };

  it('answers a 500 with an id for the log, no stack, path or cause', async () => {
    const res = await request(server)
      .get('/api/knot/services')
      .set('Authorization', mockCredentials.user.header('user:default/ops'));
    expect(res.status).toBe(500);
    expect(res.body.error).toEqual({
      name: 'Error',
      message: expect.stringMatching(
        /^An internal error occurred \(log id [0-9a-f]{16}\); an administrator can find the details in the backend's log$/,
      ),
      statusCode: 500,
    });
    noInternals(JSON.stringify(res.body));
  });

  it("answers a 4xx with its name and message only (not the body parser's internals)", async () => {
    const res = await request(server)
      .post('/api/knot/services')
      .set('Authorization', mockCredentials.user.header('user:default/ops'))
      .set('Content-Type', 'application/json')
      .send('{"chart": ');
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error).sort()).toEqual([
      'message',
      'name',
      'statusCode',
    ]);
    noInternals(JSON.stringify(res.body));
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  createProfileNamespace,
  describeWithCluster,
  startForwardAuthNginx,
  startKnotTestBackend,
  testIngress,
  testKubeClient,
  testKubeconfig,
  testUsername,
} from '@knot-platform/knot-test-utils';

jest.setTimeout(60_000);

/** A GET through nginx with a virtual host, like a browser would send. */
function get(port: number, host: string, headers: Record<string, string> = {}) {
  return new Promise<{
    status: number;
    headers: http.IncomingHttpHeaders;
    body: string;
  }>((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/notebook?x=1',
        headers: { host, ...headers },
        agent: false,
      },
      res => {
        let body = '';
        res.setEncoding('utf8').on('data', d => (body += d));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describeWithCluster('forward-auth through nginx auth_request', () => {
  const owner = testUsername('own');
  const host = `app-${owner}.knot.test`;
  let profile: Awaited<ReturnType<typeof createProfileNamespace>>;
  let upstream: http.Server;
  let nginx: Awaited<ReturnType<typeof startForwardAuthNginx>>;

  beforeAll(async () => {
    profile = await createProfileNamespace(owner);
    const networking = testKubeClient(lib => lib.NetworkingV1Api);
    await networking.createNamespacedIngress({
      namespace: profile.namespace,
      body: testIngress('app', host, 'app'),
    });
    // The "service": echoes the identity header the ingress passed on.
    upstream = http.createServer((req, res) => {
      res.end(`hello ${req.headers['x-knot-user']}`);
    });
    await new Promise<void>(r => upstream.listen(0, '127.0.0.1', r));
    const { server } = await startKnotTestBackend({
      config: {
        app: { baseUrl: 'http://portal.knot.test' },
        knot: {
          kubernetes: { kubeconfig: testKubeconfig()! },
          ingress: { domain: 'knot.test' },
          // The nginx here calls forward-auth as ingress-nginx does.
          services: { forwardAuth: { ingressController: 'ingress-nginx' } },
        },
      },
    });
    nginx = await startForwardAuthNginx({
      backendPort: server.port(),
      upstreamPort: (upstream.address() as AddressInfo).port,
    });
  });

  afterAll(async () => {
    await nginx?.stop();
    upstream?.closeAllConnections();
    await new Promise(r => upstream?.close(r));
    await profile?.remove();
  });

  it('lets the owner in with the session cookie, passing identity headers', async () => {
    const cookie = `knot_session=${mockCredentials.limitedUser.token(
      `user:default/${owner}`,
    )}`;
    const res = await get(nginx.port, host, { cookie });
    expect(res.status).toBe(200);
    expect(res.body).toBe(`hello ${owner}`);
  });

  it('lets the owner in with a bearer token', async () => {
    const res = await get(nginx.port, host, {
      authorization: mockCredentials.user.header(`user:default/${owner}`),
    });
    expect(res.status).toBe(200);
  });

  it('refuses other users with 403', async () => {
    const res = await get(nginx.port, host, {
      authorization: mockCredentials.user.header('user:default/mallory'),
    });
    expect(res.status).toBe(403);
  });

  it('refuses a signed-in user on a host no profile owns', async () => {
    const res = await get(nginx.port, `app-nobody.knot.test`, {
      authorization: mockCredentials.user.header('user:default/nobody'),
    });
    expect(res.status).toBe(403);
  });

  it('redirects anonymous browsers and bad sessions to sign-in', async () => {
    const expected = `http://portal.knot.test/knot/services/sign-in?rd=${encodeURIComponent(
      `http://${host}/notebook?x=1`,
    )}`;
    const anonymous = await get(nginx.port, host);
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.location).toBe(expected);
    const forged = await get(nginx.port, host, {
      cookie: 'knot_session=forged',
    });
    expect(forged.status).toBe(302);
    expect(forged.headers.location).toBe(expected);
  });
});

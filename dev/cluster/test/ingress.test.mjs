// The ingress: Traefik on 127.0.0.1 routes an Ingress (default class, no
// ingressClassName) over TLS from the local CA to a pod on the real node,
// and honours Knot's ingress-nginx forward-auth annotations: the auth
// endpoint (run here) decides, its 401/403/302 reach the client, the
// auth-response-headers reach the backend and cannot be forged by clients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  apply,
  freshNamespace,
  kubectlJson,
  uniqueName,
  waitFor,
} from './lib.mjs';
import {
  imageRef,
  ingress,
  needsRealNode,
  onRealNode,
  runningPod,
  routed,
  viaIngress,
} from './real.mjs';

// Decides like Knot's forward-auth: "Bearer alice" is the owner (200 +
// X-Knot-User), "Bearer nobody" is signed in without a user header, other
// tokens are strangers (403), no token is anonymous (401, or 302 to the
// sign-in page with ?redirect=1). Records what it was sent.
async function startAuthServer(t) {
  const calls = [];
  const server = http.createServer((req, res) => {
    calls.push({ url: req.url, headers: req.headers });
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (token === 'alice') {
      res.writeHead(200, { 'X-Knot-User': 'alice' }).end();
    } else if (token === 'nobody') {
      res.writeHead(200).end();
    } else if (token) {
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end('not yours');
    } else if (new URL(req.url, 'http://x').searchParams.get('redirect')) {
      const back = `https://${req.headers['x-forwarded-host']}${req.headers['x-forwarded-uri']}`;
      res
        .writeHead(302, {
          Location: `https://${
            ingress.domain
          }/services/sign-in?rd=${encodeURIComponent(back)}`,
        })
        .end();
    } else {
      res.writeHead(401, { 'Content-Type': 'text/plain' }).end('sign in first');
    }
  });
  await new Promise(r => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise(r => server.close(r)));
  return { calls, url: `http://127.0.0.1:${server.address().port}/auth` };
}

// The hello image on the real node with host folders at /private and
// /shared, a Service and an Ingress on <name>.<domain>.
async function deployHello(t, ns, name, annotations) {
  const root = mkdtempSync(join(tmpdir(), 'knot-ingress-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  for (const [folder, file] of [
    ['private', 'mine.txt'],
    ['shared', 'common.csv'],
  ]) {
    mkdirSync(join(root, folder));
    writeFileSync(join(root, folder, file), `${folder} data\n`);
    chmodSync(join(root, folder), 0o755);
  }
  const labels = { app: name };
  await apply(
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels },
      spec: {
        ...onRealNode,
        containers: [
          {
            name: 'hello',
            image: imageRef('hello'),
            env: [{ name: 'MESSAGE', value: 'Hello through the ingress' }],
            ports: [{ name: 'http', containerPort: 8080 }],
            readinessProbe: {
              httpGet: { path: '/healthz', port: 8080 },
              periodSeconds: 1,
            },
            volumeMounts: [
              { name: 'private', mountPath: '/private' },
              { name: 'shared', mountPath: '/shared' },
            ],
          },
        ],
        volumes: [
          { name: 'private', hostPath: { path: join(root, 'private') } },
          { name: 'shared', hostPath: { path: join(root, 'shared') } },
        ],
        terminationGracePeriodSeconds: 1,
      },
    },
    ns,
  );
  await apply(
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name },
      spec: {
        selector: labels,
        ports: [{ name: 'http', port: 80, targetPort: 'http' }],
      },
    },
    ns,
  );
  const host = `${name}.${ingress.domain}`;
  await apply(
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name, annotations },
      spec: {
        rules: [
          {
            host,
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name, port: { name: 'http' } } },
                },
              ],
            },
          },
        ],
      },
    },
    ns,
  );
  await runningPod(ns, name);
  return host;
}

test(
  'an Ingress without a class reaches a pod on the real node over TLS from the local CA',
  { skip: needsRealNode },
  async t => {
    const ns = await freshNamespace(t, 'ingress');
    const name = uniqueName('hello');
    const host = await deployHello(t, ns, name, {});

    // The default IngressClass was filled in at admission; Traefik owns it and
    // publishes its address in the status.
    const ing = await kubectlJson(['-n', ns, 'get', 'ingress', name]);
    assert.equal(ing.spec.ingressClassName, process.env.KNOT_INGRESS_CLASS);

    const page = await routed(host, '/');
    assert.equal(page.status, 200);
    assert.match(page.text, /Hello through the ingress/);
    assert.match(
      page.text,
      new RegExp(`pod <b id="pod">${name}</b> on node <b id="node">`),
    );

    const info = JSON.parse((await viaIngress(host, '/api/info')).text);
    assert.deepEqual(
      info.folders.map(f => [f.path, f.entries.map(e => e.name), f.error]),
      [
        ['/private', ['mine.txt'], undefined],
        ['/shared', ['common.csv'], undefined],
      ],
    );
    assert.equal(info.uid, 1000, 'the hello image runs as uid 1000');

    await waitFor('ingress status with the controller address', async () => {
      const i = await kubectlJson(['-n', ns, 'get', 'ingress', name]);
      return i.status?.loadBalancer?.ingress?.[0]?.ip === '127.0.0.1';
    });

    // The certificate covers the domain itself (the portal) as well, and is
    // only trusted through the local CA.
    const apex = await viaIngress(ingress.domain, '/');
    assert.equal(apex.status, 404);
    // (null: the system's CAs only)
    await assert.rejects(
      viaIngress(host, '/', { ca: null }),
      /self[- ]signed|unable to (get|verify)/i,
    );
  },
);

test(
  'forward-auth annotations: the auth endpoint decides, its headers reach the backend, clients cannot forge them',
  { skip: needsRealNode },
  async t => {
    const ns = await freshNamespace(t, 'fwdauth');
    const auth = await startAuthServer(t);
    const name = uniqueName('hello');
    const host = await deployHello(t, ns, name, {
      'nginx.ingress.kubernetes.io/auth-url': auth.url,
      'nginx.ingress.kubernetes.io/auth-response-headers': 'X-Knot-User',
      // Not supported by Traefik v3.6.12's ingress-nginx provider: ignored.
      'nginx.ingress.kubernetes.io/auth-signin': `https://${ingress.domain}/services/sign-in`,
    });
    const as = token => ({ headers: { Authorization: `Bearer ${token}` } });

    const owner = await routed(host, '/api/info', as('alice'));
    assert.equal(owner.status, 200);
    assert.equal(JSON.parse(owner.text).user, 'alice');

    // Anonymous: the auth endpoint's 401 is passed through, auth-signin is not
    // turned into a redirect (check this when upgrading Traefik).
    const anonymous = await viaIngress(host, '/');
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.text, 'sign in first');
    assert.equal(anonymous.headers.location, undefined);

    const stranger = await viaIngress(host, '/', as('bob'));
    assert.equal(stranger.status, 403);

    // A client-sent X-Knot-User is replaced by the auth endpoint's, or dropped
    // when the endpoint sends none.
    const forgedOwner = await viaIngress(host, '/api/info', {
      headers: { Authorization: 'Bearer alice', 'X-Knot-User': 'mallory' },
    });
    assert.equal(JSON.parse(forgedOwner.text).user, 'alice');
    const forgedNone = await viaIngress(host, '/api/info', {
      headers: { Authorization: 'Bearer nobody', 'X-Knot-User': 'mallory' },
    });
    assert.equal(forgedNone.status, 200);
    assert.equal(JSON.parse(forgedNone.text).user, undefined);

    // What the auth endpoint is told: Traefik sets X-Forwarded-Host/-Uri/-Proto
    // from the real request (a client's own X-Forwarded-Host is overwritten),
    // but passes a client's X-Original-URL through untouched: behind Traefik
    // only X-Forwarded-Host is trustworthy.
    auth.calls.length = 0;
    await viaIngress(host, '/some/path?q=1', {
      headers: {
        Authorization: 'Bearer alice',
        'X-Forwarded-Host': `victim.${ingress.domain}`,
        'X-Original-URL': `https://victim.${ingress.domain}/`,
      },
    });
    assert.equal(auth.calls.length, 1);
    const seen = auth.calls[0].headers;
    assert.equal(seen['x-forwarded-host'], host);
    assert.equal(seen['x-forwarded-uri'], '/some/path?q=1');
    assert.equal(seen['x-forwarded-proto'], 'https');
    assert.equal(seen['x-forwarded-method'], 'GET');
    assert.equal(seen['x-original-url'], `https://victim.${ingress.domain}/`);
  },
);

test(
  'forward-auth with ?redirect=1: an anonymous browser is sent to sign in and back',
  { skip: needsRealNode },
  async t => {
    const ns = await freshNamespace(t, 'redirect');
    const auth = await startAuthServer(t);
    const name = uniqueName('hello');
    const host = await deployHello(t, ns, name, {
      'nginx.ingress.kubernetes.io/auth-url': `${auth.url}?redirect=1`,
      'nginx.ingress.kubernetes.io/auth-response-headers': 'X-Knot-User',
    });
    const res = await routed(host, '/notebooks/a.ipynb');
    assert.equal(res.status, 302);
    assert.equal(
      res.headers.location,
      `https://${ingress.domain}/services/sign-in?rd=${encodeURIComponent(
        `https://${host}/notebooks/a.ipynb`,
      )}`,
    );
  },
);

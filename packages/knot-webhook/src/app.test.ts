import request from 'supertest';
import { createWebhookApp } from './app';
import { resolveConfig } from './config';
import { StaticDatasetLister } from './datasets/DatasetLister';
import { StaticHostClaimsSource } from './hostClaims/HostClaimsSource';
import {
  applyAnswer,
  deployment,
  ingress,
  patchOf,
  pod,
  podSpec,
  review,
} from './__testUtils__/reviews';

const config = resolveConfig({
  ingress: { domain: 'example.org', url: 'https://knot.example.org' },
  auth: {
    url: 'http://knot-backend:7007/api/knot/forward-auth',
    signinUrl: 'https://knot.example.org/signin',
  },
  hostPathAllowlist: ['/data', '/scratch/'],
  urls: { argoWorkflowsUrl: 'https://argo.example.org' },
});
const datasets = new StaticDatasetLister({
  'knot-alice': ['mnist', 'big.data.set'],
});
// The cluster's claims: profiles alice, doe, john-doe and bob; bob's
// Ingress names web-bob, an admin's Ingress outside any profile names
// admin-alice.
const profileNamespaces = ['alice', 'doe', 'john-doe', 'bob'].map(p => ({
  metadata: { name: `knot-${p}`, labels: { knot: 'enabled' } },
}));
const hostClaims = new StaticHostClaimsSource(profileNamespaces, [
  {
    metadata: { namespace: 'knot-bob' },
    spec: { rules: [{ host: 'web-bob.example.org' }] },
  },
  {
    metadata: { namespace: 'ops' },
    spec: { rules: [{ host: 'admin-alice.example.org' }] },
  },
  {
    metadata: { namespace: 'knot-alice' },
    spec: { rules: [{ host: 'web-alice.example.org' }] },
  },
]);
const app = createWebhookApp({ config, datasets, hostClaims });

async function mutate(body: unknown) {
  const res = await request(app)
    .post('/mutate')
    .send(body as object);
  expect(res.status).toBe(200);
  return res.body.response;
}

async function validate(body: unknown) {
  const res = await request(app)
    .post('/validate')
    .send(body as object);
  expect(res.status).toBe(200);
  return res.body.response;
}

const expectedEnv = [
  { name: 'KNOT_USERNAME', value: 'alice' },
  { name: 'KNOT_NAMESPACE', value: 'knot-alice' },
  { name: 'KNOT_INGRESS_URL', value: 'https://knot.example.org' },
  { name: 'KNOT_PRIVATE_DIR', value: '/private' },
  { name: 'KNOT_SHARED_DIR', value: '/shared' },
  { name: 'KNOT_ARGO_WORKFLOWS_URL', value: 'https://argo.example.org' },
];

describe('knot-webhook app', () => {
  it('answers the probes and metrics', async () => {
    expect((await request(app).get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await request(app).get('/readyz')).status).toBe(200);
    const notReady = createWebhookApp({ config, ready: () => false });
    expect((await request(notReady).get('/readyz')).status).toBe(503);
    await mutate(review(pod()));
    await request(app).post('/validate').send({ nope: 1 });
    const metrics = await request(app).get('/metrics');
    expect(metrics.text).toContain(
      'knot_webhook_requests_total{route="mutate",code="200"}',
    );
    expect(metrics.text).toContain(
      'knot_webhook_requests_total{route="validate",code="400"}',
    );
    expect(metrics.text).toContain(
      'knot_webhook_request_duration_seconds_bucket',
    );
    expect(metrics.text).toContain('knot_webhook_denials_total');
  });

  it('answers 404 to unknown routes', async () => {
    expect((await request(app).get('/nope')).status).toBe(404);
  });

  it("accepts the API server's ?timeout= query on admission paths", async () => {
    const res = await request(app)
      .post('/mutate?timeout=10s')
      .send(review(pod()) as object);
    expect(res.status).toBe(200);
    expect(res.body.response.patch).toEqual(expect.any(String));
    const checked = await request(app)
      .post('/validate?timeout=10s')
      .send(review(pod()) as object);
    expect(checked.body.response.allowed).toBe(true);
  });

  it('answers 404 to admission paths with other methods', async () => {
    expect((await request(app).get('/mutate')).status).toBe(404);
    expect((await request(app).put('/validate')).status).toBe(404);
  });
});

describe('/mutate on pods and workloads', () => {
  it('adds volumes, mounts and KNOT_* env to a Pod', async () => {
    const object = pod(
      podSpec({ env: [{ name: 'KNOT_USERNAME', value: 'mine' }] }),
    );
    const response = await mutate(review(object, { uid: 'abc' }));
    expect(response).toMatchObject({
      uid: 'abc',
      allowed: true,
      patchType: 'JSONPatch',
    });
    const result = applyAnswer(object, response);
    expect(result.spec.volumes).toEqual([
      {
        name: 'knot-private',
        persistentVolumeClaim: { claimName: 'knot-private' },
      },
      {
        name: 'knot-shared',
        persistentVolumeClaim: { claimName: 'knot-shared' },
      },
      {
        name: expect.stringMatching(/^knot-ds-[0-9a-f]{16}$/),
        persistentVolumeClaim: { claimName: 'big.data.set' },
      },
      { name: 'knot-ds-mnist', persistentVolumeClaim: { claimName: 'mnist' } },
    ]);
    const [container] = result.spec.containers;
    expect(container.volumeMounts.map((m: any) => m.mountPath)).toEqual([
      '/private',
      '/shared',
      '/mnt/datasets/big.data.set',
      '/mnt/datasets/mnist',
    ]);
    // The user's own KNOT_USERNAME is kept.
    expect(container.env).toEqual([
      { name: 'KNOT_USERNAME', value: 'mine' },
      ...expectedEnv.slice(1),
    ]);
  });

  it.each(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'])(
    'mutates the pod template of a %s',
    async kind => {
      const object = { ...deployment(), kind };
      const result = applyAnswer(object, await mutate(review(object)));
      expect(result.spec.template.spec.volumes).toHaveLength(4);
      expect(result.spec.template.spec.containers[0].env).toEqual(expectedEnv);
    },
  );

  it('mutates the job template of a CronJob', async () => {
    const object = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'c' },
      spec: {
        schedule: '* * * * *',
        jobTemplate: { spec: { template: { spec: podSpec() } } },
      },
    };
    const result = applyAnswer(object, await mutate(review(object)));
    expect(
      result.spec.jobTemplate.spec.template.spec.containers[0].env,
    ).toEqual(expectedEnv);
  });

  it('mutates every container and init container', async () => {
    const object = pod({
      initContainers: [{ name: 'init', image: 'x' }],
      containers: [
        { name: 'a', image: 'x' },
        {
          name: 'b',
          image: 'x',
          volumeMounts: [{ name: 'mine', mountPath: '/private' }],
        },
      ],
      volumes: [{ name: 'mine', emptyDir: {} }],
    } as any);
    const result = applyAnswer(object, await mutate(review(object)));
    expect(result.spec.volumes[0]).toEqual({ name: 'mine', emptyDir: {} });
    expect(result.spec.initContainers[0].volumeMounts).toHaveLength(4);
    expect(result.spec.containers[0].volumeMounts).toHaveLength(4);
    // The user's own mount at /private is kept, no second mount there.
    expect(
      result.spec.containers[1].volumeMounts.map((m: any) => m.mountPath),
    ).toEqual([
      '/private',
      '/shared',
      '/mnt/datasets/big.data.set',
      '/mnt/datasets/mnist',
    ]);
    expect(result.spec.containers[1].volumeMounts[0].name).toBe('mine');
  });

  it('is idempotent: an already mutated object gets no patch', async () => {
    for (const object of [pod(), deployment()]) {
      const once = applyAnswer(object, await mutate(review(object)));
      const again = await mutate(review(once));
      expect(again).toEqual({ uid: 'uid-1', allowed: true });
      expect(patchOf(again)).toEqual([]);
    }
  });

  it('skips datasets for objects or templates labelled knot-no-datasets', async () => {
    const labelled = deployment({ 'knot-no-datasets': 'true' });
    const a = applyAnswer(labelled, await mutate(review(labelled)));
    expect(a.spec.template.spec.volumes.map((v: any) => v.name)).toEqual([
      'knot-private',
      'knot-shared',
    ]);
    const bare = pod(podSpec(), { 'knot-no-datasets': '' });
    const b = applyAnswer(bare, await mutate(review(bare)));
    expect(b.spec.volumes).toHaveLength(2);
  });

  it('leaves namespaces that are not Knot profiles alone', async () => {
    expect(await mutate(review(pod(), { namespace: 'default' }))).toEqual({
      uid: 'uid-1',
      allowed: true,
    });
    expect(await mutate(review(pod(), { namespace: 'knot-' }))).toEqual({
      uid: 'uid-1',
      allowed: true,
    });
  });

  it('allows deletes and other kinds without a patch', async () => {
    expect(await mutate(review(pod(), { operation: 'DELETE' }))).toEqual({
      uid: 'uid-1',
      allowed: true,
    });
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
    expect(
      await mutate(
        review(cm, { kind: { group: '', version: 'v1', kind: 'ConfigMap' } }),
      ),
    ).toEqual({
      uid: 'uid-1',
      allowed: true,
    });
  });

  it('denies pod objects it cannot read, with 400', async () => {
    for (const object of [
      { kind: 'Pod', metadata: {} },
      pod({ containers: 'x' } as any),
      pod({ containers: [] } as any),
      pod({ containers: [{ name: 'a', env: {} }] } as any),
      pod({ containers: [{ name: 'a' }], volumes: [1] } as any),
    ]) {
      const response = await mutate(review(object));
      expect(response.allowed).toBe(false);
      expect(response.status.code).toBe(400);
      expect(response.patch).toBeUndefined();
    }
    const response = await mutate(
      review(null, { kind: { group: '', version: 'v1', kind: 'Pod' } }),
    );
    expect(response).toMatchObject({ allowed: false, status: { code: 400 } });
  });

  it('denies with 500 when datasets cannot be listed', async () => {
    const broken = createWebhookApp({
      config,
      datasets: { list: async () => Promise.reject(new Error('API down')) },
    });
    const res = await request(broken).post('/mutate').send(review(pod()));
    expect(res.status).toBe(200);
    expect(res.body.response).toMatchObject({
      allowed: false,
      status: { code: 500 },
    });
    expect(res.body.response.status.message).toContain('API down');
  });
});

describe('/mutate on ingresses', () => {
  it('adds the forward-auth annotations for Traefik (the default)', async () => {
    const object = ingress(['web-alice.example.org']);
    const result = applyAnswer(object, await mutate(review(object)));
    // Traefik ignores auth-signin: forward-auth redirects itself. Cookie and
    // Authorization come back from forward-auth without Knot's credentials.
    expect(result.metadata.annotations).toEqual({
      'nginx.ingress.kubernetes.io/auth-url':
        'http://knot-backend:7007/api/knot/forward-auth?redirect=1',
      'nginx.ingress.kubernetes.io/auth-response-headers':
        'X-Knot-User,X-Knot-Profile,Cookie,Authorization',
    });
    expect(Object.keys(result.metadata.annotations).join()).not.toContain(
      'snippet',
    );
    expect(await mutate(review(result))).toEqual({
      uid: 'uid-1',
      allowed: true,
    });
  });

  it('points at Vouch when configured', async () => {
    const vouch = createWebhookApp({
      config: resolveConfig({
        auth: { mode: 'vouch', url: 'https://vouch.example.org/' },
      }),
    });
    const object = ingress(['web-alice.localtest.me']);
    const res = await request(vouch).post('/mutate').send(review(object));
    const result = applyAnswer(object, res.body.response);
    expect(
      result.metadata.annotations['nginx.ingress.kubernetes.io/auth-url'],
    ).toBe('https://vouch.example.org/validate');
    expect(
      result.metadata.annotations['nginx.ingress.kubernetes.io/auth-signin'],
    ).toMatch(
      /^https:\/\/vouch\.example\.org\/login\?url=\$scheme:\/\/\$http_host\$request_uri/,
    );
    expect(
      result.metadata.annotations[
        'nginx.ingress.kubernetes.io/auth-response-headers'
      ],
    ).toBe('X-Vouch-User');
  });

  it('adds auth-signin for ingress-nginx', async () => {
    const nginx = createWebhookApp({
      config: resolveConfig({
        ingress: { domain: 'example.org', controller: 'ingress-nginx' },
        auth: {
          url: 'http://knot/api/knot/forward-auth',
          signinUrl: 'https://s',
        },
      }),
    });
    const object = ingress(['web-alice.example.org']);
    const res = await request(nginx).post('/mutate').send(review(object));
    expect(applyAnswer(object, res.body.response).metadata.annotations).toEqual(
      {
        'nginx.ingress.kubernetes.io/auth-url':
          'http://knot/api/knot/forward-auth',
        'nginx.ingress.kubernetes.io/auth-signin': 'https://s',
        'nginx.ingress.kubernetes.io/auth-response-headers':
          'X-Knot-User,X-Knot-Profile,Cookie,Authorization',
      },
    );
  });

  it("still strips Knot's credentials from public (knot-no-auth) services", async () => {
    const object = ingress(['web-alice.example.org'], {
      'knot-no-auth': 'true',
    }) as any;
    object.metadata.annotations = {
      'nginx.ingress.kubernetes.io/auth-signin': 'https://elsewhere',
    };
    const result = applyAnswer(object, await mutate(review(object)));
    expect(result.metadata.annotations).toEqual({
      'nginx.ingress.kubernetes.io/auth-url':
        'http://knot-backend:7007/api/knot/forward-auth/public',
      'nginx.ingress.kubernetes.io/auth-response-headers':
        'X-Knot-User,X-Knot-Profile,Cookie,Authorization',
    });
  });
});

/** The Ingress as the mutating webhook leaves it (validation comes after). */
function mutated(object: any): any {
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: {
        ...object.metadata.annotations,
        'nginx.ingress.kubernetes.io/auth-url':
          'http://knot-backend:7007/api/knot/forward-auth?redirect=1',
        'nginx.ingress.kubernetes.io/auth-response-headers':
          'X-Knot-User,X-Knot-Profile,Cookie,Authorization',
      },
    },
  };
}

describe('/validate', () => {
  it('allows hostPaths inside the allowlist', async () => {
    for (const path of ['/data', '/data/x', '/scratch/y/z', '/scratch']) {
      const object = pod(podSpec({}) as any);
      (object.spec as any).volumes = [{ name: 'h', hostPath: { path } }];
      expect(await validate(review(object))).toEqual({
        uid: 'uid-1',
        allowed: true,
      });
    }
  });

  it('denies hostPaths outside the allowlist, naming path and allowlist', async () => {
    for (const path of ['/etc', '/data/../etc', '/database', 'data', '/']) {
      const object = deployment({}, {
        ...podSpec(),
        volumes: [{ name: 'h', hostPath: { path } }],
      } as any);
      const response = await validate(review(object));
      expect(response.allowed).toBe(false);
      expect(response.status.code).toBe(403);
      expect(response.status.message).toContain(`mounts ${path},`);
      expect(response.status.message).toContain('/data, /scratch/');
    }
  });

  it('says so when no host path is allowed', async () => {
    const strict = createWebhookApp({ config: resolveConfig({}) });
    const object = pod({
      ...podSpec(),
      volumes: [{ name: 'h', hostPath: { path: '/tmp' } }],
    } as any);
    const res = await request(strict).post('/validate').send(review(object));
    expect(res.body.response.status.message).toContain(
      'no host paths are allowed',
    );
  });

  it("allows the user's own hostnames and denies others'", async () => {
    expect(
      await validate(
        review(
          mutated(ingress(['web-alice.example.org', 'a-b-alice.EXAMPLE.org'])),
        ),
      ),
    ).toEqual({
      uid: 'uid-1',
      allowed: true,
    });
    for (const host of [
      'web-bob.example.org',
      'alice.example.org',
      'web-alice.other.org',
      'x.web-alice.example.org',
      undefined,
    ]) {
      const response = await validate(review(mutated(ingress([host]))));
      expect(response.allowed).toBe(false);
      expect(response.status.message).toContain('<name>-alice.example.org');
    }
    const tls = mutated(ingress(['web-alice.example.org']));
    tls.spec.tls = [{ hosts: ['web-bob.example.org'] }];
    expect((await validate(review(tls))).status.message).toContain(
      '"web-bob.example.org"',
    );
  });

  it("refuses a host that reads as a longer profile's (doe taking john-doe's my-app)", async () => {
    const steal = await validate(
      review(mutated(ingress(['my-app-john-doe.example.org'])), {
        namespace: 'knot-doe',
      }),
    );
    expect(steal.allowed).toBe(false);
    expect(steal.status.message).toBe(
      'Ingress host "my-app-john-doe.example.org" is not allowed: it names a service of the profile john-doe (<name>-john-doe.example.org); choose a service name that does not end in "-john"',
    );
    // In TLS hosts too, and whatever the case.
    const tls = mutated(ingress(['web-doe.example.org']));
    tls.spec.tls = [{ hosts: ['My-App-John-Doe.example.org'] }];
    expect(
      (await validate(review(tls, { namespace: 'knot-doe' }))).allowed,
    ).toBe(false);
    // john-doe's own, and doe's own hosts, are fine.
    expect(
      await validate(
        review(mutated(ingress(['my-app-john-doe.example.org'])), {
          namespace: 'knot-john-doe',
        }),
      ),
    ).toEqual({ uid: 'uid-1', allowed: true });
    expect(
      (
        await validate(
          review(mutated(ingress(['web-doe.example.org'])), {
            namespace: 'knot-doe',
          }),
        )
      ).allowed,
    ).toBe(true);
  });

  it('refuses a host an Ingress of another namespace names; allows re-using its own', async () => {
    const taken = await validate(
      review(mutated(ingress(['admin-alice.example.org']))),
    );
    expect(taken.allowed).toBe(false);
    expect(taken.status.message).toBe(
      'Ingress host "admin-alice.example.org" is not allowed: an Ingress in another namespace already uses it',
    );
    expect(
      (await validate(review(mutated(ingress(['web-alice.example.org'])))))
        .allowed,
    ).toBe(true);
  });

  it('refuses a default backend, which catches every host', async () => {
    const object = mutated(ingress(['web-alice.example.org']));
    object.spec.defaultBackend = {
      service: { name: 'web', port: { number: 80 } },
    };
    const response = await validate(review(object));
    expect(response.allowed).toBe(false);
    expect(response.status.message).toContain(
      'spec.defaultBackend is not allowed',
    );
    const only = mutated(ingress([]));
    only.spec = { defaultBackend: object.spec.defaultBackend };
    expect((await validate(review(only))).allowed).toBe(false);
  });

  it.each([
    ['nginx.ingress.kubernetes.io/server-alias', 'web-bob.example.org'],
    ['nginx.ingress.kubernetes.io/ssl-passthrough', 'true'],
    ['nginx.ingress.kubernetes.io/auth-type', 'basic'],
    ['nginx.ingress.kubernetes.io/session-cookie-domain', '.example.org'],
    ['nginx.ingress.kubernetes.io/configuration-snippet', 'more_set_headers x'],
    ['nginx.ingress.kubernetes.io/enable-global-auth', 'false'],
    [
      'traefik.ingress.kubernetes.io/router.rule',
      'Host(`web-bob.example.org`)',
    ],
    [
      'traefik.ingress.kubernetes.io/router.middlewares',
      'default-strip@kubernetescrd',
    ],
    ['kubernetes.io/ingress.class', 'traefik'],
  ])('refuses the annotation %s', async (key, value) => {
    const object = mutated(ingress(['web-alice.example.org']));
    object.metadata.annotations[key] = value;
    const response = await validate(review(object));
    expect(response.allowed).toBe(false);
    expect(response.status.message).toContain(
      `Ingress annotation "${key}" is not allowed`,
    );
  });

  it("refuses Knot's auth annotations with other values or missing", async () => {
    const object = mutated(ingress(['web-alice.example.org']));
    object.metadata.annotations[
      'nginx.ingress.kubernetes.io/auth-response-headers'
    ] = 'X-Knot-User';
    expect((await validate(review(object))).status.message).toContain(
      "must be Knot's own value",
    );
    const bare = ingress(['web-alice.example.org']);
    expect((await validate(review(bare))).allowed).toBe(false);
    const signin = mutated(ingress(['web-alice.example.org']));
    signin.metadata.annotations['nginx.ingress.kubernetes.io/auth-signin'] =
      'x';
    expect((await validate(review(signin))).allowed).toBe(false);
  });

  it('allows the allowlisted annotations and refuses other classes when one is configured', async () => {
    const object = mutated(ingress(['web-alice.example.org']));
    Object.assign(object.metadata.annotations, {
      'meta.helm.sh/release-name': 'web',
      'nginx.ingress.kubernetes.io/proxy-body-size': '1g',
    });
    expect((await validate(review(object))).allowed).toBe(true);
    const classed = createWebhookApp({
      config: { ...config, ingress: { ...config.ingress, className: 'nginx' } },
      hostClaims,
    });
    object.spec.ingressClassName = 'other';
    const res = await request(classed).post('/validate').send(review(object));
    expect(res.body.response.status.message).toBe(
      'Ingress class "other" is not allowed: Knot\'s services use the class "nginx"',
    );
  });
});

describe('bad input', () => {
  it.each([
    ['not JSON', '{"apiVersion":'],
    ['a JSON array', '[]'],
    ['a JSON string', '"x"'],
    [
      'the wrong version',
      JSON.stringify({
        ...review(pod()),
        apiVersion: 'admission.k8s.io/v1beta1',
      }),
    ],
    [
      'no request',
      JSON.stringify({
        apiVersion: 'admission.k8s.io/v1',
        kind: 'AdmissionReview',
      }),
    ],
    [
      'no uid',
      JSON.stringify({
        ...review(pod()),
        request: { ...review(pod()).request, uid: 7 },
      }),
    ],
    [
      'no kind',
      JSON.stringify({
        ...review(pod()),
        request: { ...review(pod()).request, kind: 'Pod' },
      }),
    ],
  ])('answers 400 to %s', async (_what, body) => {
    for (const route of ['/mutate', '/validate']) {
      const res = await request(app)
        .post(route)
        .set('content-type', 'application/json')
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual(expect.any(String));
    }
  });

  it('answers 413 to oversized bodies', async () => {
    const small = createWebhookApp({
      config: { ...config, maxBodyBytes: 1000 },
    });
    const res = await request(small)
      .post('/mutate')
      .send(review(pod(podSpec({ image: 'x'.repeat(2000) }))));
    expect(res.status).toBe(413);
  });
});

import request from 'supertest';
import { createWebhookApp } from './app';
import { resolveConfig } from './config';
import { StaticDatasetLister } from './datasets/DatasetLister';
import { StaticHostClaimsSource } from './hostClaims/HostClaimsSource';
import { applyAnswer, ingress, review } from './__testUtils__/reviews';

// URL-prefix mode: services at https://services.example.org/services/<name>-<profile>/.
const config = resolveConfig({
  ingress: {
    domain: 'example.org',
    url: 'https://knot.example.org',
    exposure: { mode: 'prefix' },
  },
  auth: { url: 'http://knot-backend:7007/api/knot/forward-auth' },
});
const profiles = ['alice', 'doe', 'john-doe', 'bob'].map(p => ({
  metadata: { name: `knot-${p}`, labels: { knot: 'enabled' } },
}));
const onPrefixHost = (namespace: string, path: string) => ({
  metadata: { namespace },
  spec: {
    rules: [{ host: 'services.example.org', http: { paths: [{ path }] } }],
  },
});
const app = createWebhookApp({
  config,
  datasets: new StaticDatasetLister({}),
  hostClaims: new StaticHostClaimsSource(profiles, [
    onPrefixHost('knot-bob', '/services/web-bob'),
    onPrefixHost('ops', '/services/admin-alice/'),
    onPrefixHost('knot-alice', '/services/web-alice'),
  ]),
});

async function call(path: '/mutate' | '/validate', body: unknown) {
  const res = await request(app)
    .post(path)
    .send(body as object);
  expect(res.status).toBe(200);
  return res.body.response;
}

/** The Ingress as stored: mutated, then validated. */
async function admit(object: any, namespace = 'knot-alice') {
  const stored = applyAnswer(
    object,
    await call('/mutate', review(object, { namespace })),
  );
  const verdict = await call('/validate', review(stored, { namespace }));
  return { stored, verdict };
}

function withPaths(
  host: string,
  paths: { path: string; pathType?: string }[],
): any {
  const object = ingress([host]);
  object.spec.rules[0].http.paths = paths.map(p => ({
    pathType: 'Prefix',
    backend: { service: { name: 'web', port: { number: 80 } } },
    ...p,
  }));
  return object;
}

describe('URL-prefix mode', () => {
  it('reads the exposure settings, with a host of its own by default', () => {
    expect(config.ingress.prefix).toEqual({
      host: 'services.example.org',
      pathPrefix: '/services',
    });
    expect(
      resolveConfig(
        { ingress: { domain: 'example.org' } },
        {
          KNOT_WEBHOOK_EXPOSURE_MODE: 'prefix',
          KNOT_WEBHOOK_EXPOSURE_HOST: 'Apps.Example.org',
          KNOT_WEBHOOK_EXPOSURE_PATH_PREFIX: '/run/',
        },
      ).ingress.prefix,
    ).toEqual({ host: 'apps.example.org', pathPrefix: '/run' });
    expect(resolveConfig({}).ingress.prefix).toBeUndefined();
    expect(() =>
      resolveConfig({ ingress: { exposure: { mode: 'path' } } }),
    ).toThrow(/must be "subdomain" or "prefix"/);
    expect(() =>
      resolveConfig({
        ingress: { exposure: { mode: 'prefix', pathPrefix: '/a/../b' } },
      }),
    ).toThrow(/pathPrefix must be a path/);
  });

  it("moves a chart's subdomain rule to the profile's prefix, keeping the backend", async () => {
    const object = ingress(['hello-alice.example.org']);
    (object.spec as any).tls = [
      { hosts: ['hello-alice.example.org'], secretName: 's' },
    ];
    const { stored, verdict } = await admit(object);
    expect(verdict).toEqual({ uid: 'uid-1', allowed: true });
    expect(stored.spec).toEqual({
      rules: [
        {
          host: 'services.example.org',
          http: {
            paths: [
              {
                path: '/services/hello-alice',
                pathType: 'Prefix',
                backend: { service: { name: 'web', port: { number: 80 } } },
              },
            ],
          },
        },
      ],
      tls: [{ hosts: ['services.example.org'], secretName: 's' }],
    });
    // Sub-paths stay under the prefix; an Exact root keeps its slash.
    const sub = withPaths('hello-alice.example.org', [
      { path: '/api' },
      { path: '/', pathType: 'Exact' },
    ]);
    expect(
      (await admit(sub)).stored.spec.rules[0].http.paths.map(
        (p: any) => p.path,
      ),
    ).toEqual(['/services/hello-alice/api', '/services/hello-alice/']);
    // Already on the prefix: untouched, and a second pass changes nothing.
    expect(
      await call('/mutate', review(stored, { namespace: 'knot-alice' })),
    ).toEqual({ uid: 'uid-1', allowed: true });
  });

  it("never moves another profile's host onto a prefix: it is refused", async () => {
    const { stored, verdict } = await admit(ingress(['web-bob.example.org']));
    expect(stored.spec.rules[0].host).toBe('web-bob.example.org');
    expect(verdict.allowed).toBe(false);
    expect(verdict.status.message).toBe(
      'Ingress host "web-bob.example.org" is not allowed: services are exposed under URL prefixes, alice\'s at services.example.org/services/<name>-alice/',
    );
  });

  it.each([
    // Another profile's prefix, or the bare prefix, or the host's root.
    ['/services/web-bob', 'Prefix', "alice's services must use paths under"],
    ['/services', 'Prefix', "alice's services must use paths under"],
    ['/', 'Prefix', "alice's services must use paths under"],
    ['/services/alice', 'Prefix', "alice's services must use paths under"],
    // Not exactly as a router and forward-auth read it alike.
    ['/services/Web-Alice', 'Prefix', "alice's services must use paths under"],
    [
      '/services/web-alice/../web-bob',
      'Prefix',
      "alice's services must use paths under",
    ],
    [
      '/services/web-alice%2f..%2fweb-bob',
      'Prefix',
      "alice's services must use paths under",
    ],
    ['/services//web-alice', 'Prefix', "alice's services must use paths under"],
    [
      '/services/web-alice//x',
      'Prefix',
      "alice's services must use paths under",
    ],
    // A regular expression, perhaps.
    [
      '/services/web-alice/.*',
      'ImplementationSpecific',
      'pathType must be Prefix or Exact',
    ],
    // Another namespace's Ingress names it.
    [
      '/services/admin-alice',
      'Prefix',
      'an Ingress in another namespace already uses /services/admin-alice',
    ],
  ])('refuses the path %s (%s)', async (path, pathType, message) => {
    const { verdict } = await admit(
      withPaths('services.example.org', [{ path, pathType }]),
    );
    expect(verdict.allowed).toBe(false);
    expect(verdict.status.message).toContain(message);
  });

  it("refuses a prefix that reads as a longer profile's (doe taking john-doe's my-app)", async () => {
    const { verdict } = await admit(
      withPaths('services.example.org', [
        { path: '/services/my-app-john-doe' },
      ]),
      'knot-doe',
    );
    expect(verdict.status.message).toBe(
      'Ingress path "/services/my-app-john-doe" is not allowed: it names a service of the profile john-doe (/services/<name>-john-doe/); choose a service name that does not end in "-john"',
    );
    expect(
      (
        await admit(
          withPaths('services.example.org', [
            { path: '/services/my-app-john-doe/x' },
          ]),
          'knot-john-doe',
        )
      ).verdict.allowed,
    ).toBe(true);
  });

  it('allows its own prefixes, re-using its own and a TLS section for the host', async () => {
    const own = withPaths('services.example.org', [
      { path: '/services/web-alice' },
      { path: '/services/lab-alice/api/', pathType: 'Exact' },
    ]);
    own.spec.tls = [{ hosts: ['services.example.org'] }];
    expect((await admit(own)).verdict).toEqual({ uid: 'uid-1', allowed: true });
    const otherTls = withPaths('services.example.org', [
      { path: '/services/web-alice' },
    ]);
    otherTls.spec.tls = [{ hosts: ['web-bob.example.org'] }];
    expect((await admit(otherTls)).verdict.allowed).toBe(false);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  createDevCertificates,
  createWebhookApp,
  KubernetesHostClaimsSource,
  resolveConfig,
  startWebhookServer,
  webhookConfigurations,
  type WebhookServer,
} from '@knot-platform/knot-webhook';
import {
  createProfileNamespace,
  eventually,
  startKnotTestBackend,
  testIngress,
  testKubeClient,
  testKubeconfig,
  testUsername,
} from '@knot-platform/knot-test-utils';
import {
  describeWithIngress,
  domain,
  helloImage,
  rawViaIngress,
  viaIngress,
} from './__testUtils__/viaIngress';

// Forward-auth behind the real Traefik ingress (see __testUtils__/viaIngress);
// the Ingresses get their auth annotations from Knot's real webhook.
jest.setTimeout(240_000);

describeWithIngress('forward-auth behind the real Traefik ingress', () => {
  const owner = testUsername('own');
  const stranger = testUsername('str');
  // doe and john-doe: the reported takeover of a longer profile's host.
  const doe = testUsername('d');
  const johnDoe = `john-${doe}`;
  const profiles: { remove: () => Promise<void> }[] = [];
  let authUrl = '';
  let webhook: WebhookServer | undefined;
  let tmp = '';
  const webhookName = `knot-traefik-test-${owner}`;
  const testLabel = { 'knot-traefik-test': owner };
  const hostOf = (svc: string, profile: string) =>
    `${svc}-${profile}.${domain}`;
  const token = (user: string) =>
    mockCredentials.limitedUser.token(`user:default/${user}`);

  /**
   * hello on the real node + Service + an Ingress that Knot's webhook
   * completes (auth annotations) and checks — unless `annotations` are given
   * for a namespace the webhook does not watch (an Ingress from before).
   */
  async function deploy(
    profile: string,
    svc: string,
    host: string,
    options: {
      publicService?: boolean;
      annotations?: Record<string, string>;
    } = {},
  ) {
    const namespace = `knot-${profile}`;
    const core = testKubeClient(lib => lib.CoreV1Api);
    const networking = testKubeClient(lib => lib.NetworkingV1Api);
    const labels = { app: svc };
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: svc, labels },
        spec: {
          nodeSelector: { 'knot.dev/node': 'real' },
          tolerations: [
            {
              key: 'knot.dev/node',
              operator: 'Equal',
              value: 'real',
              effect: 'NoSchedule',
            },
          ],
          containers: [
            {
              name: 'hello',
              image: helloImage,
              env: [{ name: 'MESSAGE', value: `${svc} of ${profile}` }],
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: {
                httpGet: { path: '/healthz', port: 8080 },
                periodSeconds: 1,
              },
            },
          ],
          terminationGracePeriodSeconds: 1,
        },
      },
    });
    await core.createNamespacedService({
      namespace,
      body: {
        metadata: { name: svc },
        spec: {
          selector: labels,
          ports: [{ name: 'http', port: 80, targetPort: 'http' as any }],
        },
      },
    });
    await networking.createNamespacedIngress({
      namespace,
      body: {
        ...testIngress(svc, host, svc),
        metadata: {
          name: svc,
          labels: options.publicService ? { 'knot-no-auth': 'true' } : {},
          annotations: options.annotations,
        },
      },
    });
    // Traefik applies Ingresses and endpoints a moment after the API server
    // has them: until then it answers 404 (its own text) or 503. The owner
    // is served once the route is there.
    await eventually(
      `a route to ${host} serving its owner`,
      async () => {
        const res = await viaIngress(host, '/api/headers', {
          Authorization: `Bearer ${token(profile)}`,
        });
        return res.status === 200 ? res : undefined;
      },
      180_000,
    );
  }

  beforeAll(async () => {
    const { server } = await startKnotTestBackend({
      config: {
        app: { baseUrl: `https://${domain}` },
        knot: {
          kubernetes: { kubeconfig: testKubeconfig()! },
          ingress: { domain },
          services: { forwardAuth: { ingressController: 'traefik' } },
        },
      },
    });
    authUrl = `http://127.0.0.1:${server.port()}/api/knot/forward-auth`;

    // Knot's webhook for Traefik, on this test's namespaces and (so that
    // pods need no Knot volumes) on Ingresses only.
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-traefik-'));
    const certs = createDevCertificates(tmp);
    webhook = await startWebhookServer({
      app: createWebhookApp({
        config: resolveConfig({
          ingress: { domain, controller: 'traefik' },
          auth: { url: authUrl },
        }),
        hostClaims: KubernetesHostClaimsSource.fromKubeconfig(
          testKubeconfig(),
          'knot-',
        ),
      }),
      certFile: certs.certFile,
      keyFile: certs.keyFile,
      host: '127.0.0.1',
      port: 0,
    });
    const { mutating, validating } = webhookConfigurations({
      name: webhookName,
      endpoint: { url: `https://127.0.0.1:${webhook.port}` },
      caPem: certs.caPem,
      extraNamespaceLabels: testLabel,
      timeoutSeconds: 10,
    });
    for (const config of [mutating, validating]) {
      for (const hook of config.webhooks) {
        hook.rules = hook.rules.filter(r => r.resources.includes('ingresses'));
      }
    }
    const admission = testKubeClient(lib => lib.AdmissionregistrationV1Api);
    await admission.createMutatingWebhookConfiguration({
      body: mutating as any,
    });
    await admission.createValidatingWebhookConfiguration({
      body: validating as any,
    });

    for (const profile of [owner, stranger, johnDoe]) {
      profiles.push(await createProfileNamespace(profile, testLabel));
    }
    profiles.push(await createProfileNamespace(doe));
    await Promise.all([
      deploy(owner, 'hello', hostOf('hello', owner)),
      deploy(stranger, 'x', hostOf('x', stranger)),
    ]);
  });

  afterAll(async () => {
    const admission = testKubeClient(lib => lib.AdmissionregistrationV1Api);
    await admission
      .deleteMutatingWebhookConfiguration({ name: webhookName })
      .catch(() => {});
    await admission
      .deleteValidatingWebhookConfiguration({ name: webhookName })
      .catch(() => {});
    await Promise.all(profiles.map(p => p.remove()));
    await webhook?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("never passes Knot's session cookie or bearer token to the service", async () => {
    const host = hostOf('hello', owner);
    // The webhook wrote the annotations for Traefik.
    const ingress = await testKubeClient(
      lib => lib.NetworkingV1Api,
    ).readNamespacedIngress({ namespace: `knot-${owner}`, name: 'hello' });
    expect(ingress.metadata?.annotations).toEqual({
      'nginx.ingress.kubernetes.io/auth-url': `${authUrl}?redirect=1`,
      'nginx.ingress.kubernetes.io/auth-response-headers':
        'X-Knot-User,X-Knot-Profile,Cookie,Authorization',
    });
    const withCookies = await viaIngress(host, '/api/headers', {
      Cookie: `theme=dark; knot_session=${token(owner)}; _xsrf=1`,
    });
    expect(withCookies.status).toBe(200);
    const seen = JSON.parse(withCookies.text);
    expect(seen['X-Knot-User']).toEqual([owner]);
    expect(seen.Cookie).toEqual(['theme=dark; _xsrf=1']);
    expect(withCookies.text).not.toContain('knot_session');
    expect(withCookies.text).not.toContain(token(owner));

    const onlySession = await viaIngress(host, '/api/headers', {
      Cookie: `knot_session=${token(owner)}`,
    });
    expect(JSON.parse(onlySession.text).Cookie).toBeUndefined();

    const bearer = await viaIngress(host, '/api/headers', {
      Authorization: `Bearer ${token(owner)}`,
      Cookie: 'a=1',
    });
    expect(bearer.status).toBe(200);
    expect(JSON.parse(bearer.text).Authorization).toBeUndefined();
    expect(bearer.text).not.toContain(token(owner));
  });

  it('keeps the session cookie from public (knot-no-auth) services too', async () => {
    await deploy(stranger, 'site', hostOf('site', stranger), {
      publicService: true,
    });
    // The way a public service would harvest sessions: the owner's browser
    // visits the stranger's public page with its cookie for the domain.
    const res = await viaIngress(hostOf('site', stranger), '/api/headers', {
      Cookie: `knot_session=${token(owner)}; a=1`,
      'X-Knot-User': owner,
    });
    expect(res.status).toBe(200);
    const seen = JSON.parse(res.text);
    expect(seen.Cookie).toEqual(['a=1']);
    expect(seen['X-Knot-User']).toBeUndefined();
    expect(res.text).not.toContain(token(owner));
  });

  it('decides on the host Traefik routed, whatever host headers the client forges', async () => {
    const victim = hostOf('hello', owner);
    const own = hostOf('x', stranger);
    const auth = { Authorization: `Bearer ${token(stranger)}` };
    const forgeries: Record<string, string | string[]>[] = [
      { 'X-Forwarded-Host': own },
      { 'X-Original-URL': `https://${own}/` },
      { 'X-Forwarded-Host': own, 'X-Original-URL': `https://${own}/` },
      { 'X-Forwarded-Host': [own, own] },
      { 'X-Forwarded-Host': `${own}, ${own}` },
      {
        'X-Forwarded-Proto': 'http',
        'X-Forwarded-Uri': '/',
        'X-Forwarded-Host': own,
      },
    ];
    for (const forged of forgeries) {
      const res = await viaIngress(victim, '/api/headers', {
        ...auth,
        ...forged,
      });
      expect({ forged, status: res.status }).toEqual({ forged, status: 403 });
    }
    // Traefik overwrites a client's X-Forwarded-Host: the owner passes with
    // a forged one (forward-auth judged the real host) and the service sees
    // the real host too.
    const ownerForging = await viaIngress(victim, '/api/headers', {
      Authorization: `Bearer ${token(owner)}`,
      'X-Forwarded-Host': own,
    });
    expect(ownerForging.status).toBe(200);
    expect(JSON.parse(ownerForging.text)['X-Forwarded-Host']).toEqual([victim]);
    // Host headers: Traefik routes by Host, and forward-auth judges that
    // same host — never the victim's service with the stranger's answer.
    for (const head of [
      `GET /api/headers HTTP/1.1\r\nHost: ${own}\r\nAuthorization: Bearer ${token(
        stranger,
      )}`,
      `GET https://${victim}/api/headers HTTP/1.1\r\nHost: ${own}\r\nAuthorization: Bearer ${token(
        stranger,
      )}`,
      `GET /api/headers HTTP/1.1\r\nHost: ${victim.toUpperCase()}.\r\nAuthorization: Bearer ${token(
        stranger,
      )}`,
      `GET /api/headers HTTP/1.1\r\nHost: ${victim}:443\r\nAuthorization: Bearer ${token(
        stranger,
      )}`,
    ]) {
      const res = await rawViaIngress(victim, head);
      expect(res.text).not.toContain(`"X-Knot-Profile":["${owner}"]`);
      // Passing means the stranger's own service (the raw body may be
      // chunked: look for the echoed header as text).
      expect(
        res.status !== 200 ||
          res.text.includes(`"X-Knot-Profile":["${stranger}"]`),
      ).toBe(true);
    }
    // Two Host lines are refused by Traefik itself.
    const twoHosts = await rawViaIngress(
      victim,
      `GET /api/headers HTTP/1.1\r\nHost: ${victim}\r\nHost: ${own}\r\nAuthorization: Bearer ${token(
        stranger,
      )}`,
    );
    expect(twoHosts.status).toBe(400);
  });

  it('sends anonymous browsers back to the routed URL, not a forged X-Original-URL', async () => {
    const victim = hostOf('hello', owner);
    const res = await viaIngress(victim, '/lab?x=1', {
      'X-Original-URL': `https://${hostOf('x', stranger)}/phish`,
    });
    expect(res.status).toBe(302);
    const rd = new URL(res.headers.location as string).searchParams.get('rd');
    expect(rd).toBe(`https://${victim}/lab?x=1`);
  });

  it("refuses a shorter profile's Ingress on a longer profile's host (ambiguity = deny)", async () => {
    // Admitted before the webhook knew better (doe's namespace is not
    // watched by this test's webhook): doe's Ingress names
    // my-app-<john-doe>; john-doe exists.
    await deploy(doe, 'web', hostOf('web', doe), {
      annotations: {
        'nginx.ingress.kubernetes.io/auth-url': `${authUrl}?redirect=1`,
        'nginx.ingress.kubernetes.io/auth-response-headers':
          'X-Knot-User,X-Knot-Profile,Cookie,Authorization',
      },
    });
    const taken = hostOf('my-app', johnDoe);
    const networking = testKubeClient(lib => lib.NetworkingV1Api);
    const ingress = await networking.readNamespacedIngress({
      namespace: `knot-${doe}`,
      name: 'web',
    });
    ingress.spec!.rules!.push({ ...ingress.spec!.rules![0], host: taken });
    await networking.replaceNamespacedIngress({
      namespace: `knot-${doe}`,
      name: 'web',
      body: ingress,
    });
    await eventually(
      `a route to ${taken}`,
      async () => {
        const r = await viaIngress(taken, '/api/headers', {
          Authorization: `Bearer ${token(doe)}`,
        });
        return r.status === 404 ? undefined : r;
      },
      180_000,
    );
    // Past forward-auth's cache of the cluster's claims (5 s): the answer
    // comes from the Ingress as it is now.
    await new Promise(r => setTimeout(r, 6_000));
    for (let i = 0; i < 3; i++) {
      const res = await viaIngress(taken, '/api/headers', {
        Authorization: `Bearer ${token(doe)}`,
      });
      expect(res.status).toBe(403);
    }
    // doe's own host still works.
    const own = await viaIngress(hostOf('web', doe), '/api/headers', {
      Authorization: `Bearer ${token(doe)}`,
    });
    expect(own.status).toBe(200);
  });
});

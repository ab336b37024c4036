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
  BUNDLED_CHARTS_DIR,
  createProfileNamespace,
  installService,
  runHelm,
  eventually,
  startKnotTestBackend,
  testIngress,
  testKubeClient,
  testKubeconfig,
  testUsername,
  uninstallReleases,
} from '@knot-platform/knot-test-utils';
import {
  describeWithIngress,
  domain,
  helloImage,
  viaIngress,
} from './__testUtils__/viaIngress';

// URL-prefix mode behind the real Traefik ingress, on the real node: hello
// served under its prefix of services.<domain>, its Ingress written for a
// subdomain as a chart would and moved to the prefix by Knot's webhook.
jest.setTimeout(300_000);

describeWithIngress('URL-prefix mode behind the real Traefik ingress', () => {
  const alice = testUsername('pa');
  const bob = testUsername('pb');
  const servicesHost = `services.${domain}`;
  const prefixOf = (svc: string, profile: string) =>
    `/services/${svc}-${profile}`;
  const profiles: { remove: () => Promise<void> }[] = [];
  let webhook: WebhookServer | undefined;
  let backend: { port(): number } | undefined;
  let tmp = '';
  const webhookName = `knot-prefix-test-${alice}`;
  const testLabel = { 'knot-prefix-test': alice };
  const token = (user: string) =>
    mockCredentials.limitedUser.token(`user:default/${user}`);

  /** hello on the real node under its prefix, with a subdomain Ingress. */
  async function deploy(profile: string, svc: string) {
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
              env: [
                { name: 'MESSAGE', value: `${svc} of ${profile}` },
                // What the chart sets from knot.basePath.
                { name: 'BASE_PATH', value: `${prefixOf(svc, profile)}/` },
              ],
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
    // As a chart written for subdomains would: the webhook moves it.
    await networking.createNamespacedIngress({
      namespace,
      body: testIngress(svc, `${svc}-${profile}.${domain}`, svc),
    });
    await eventually(
      `a route to ${prefixOf(svc, profile)} serving its owner`,
      async () => {
        const res = await viaIngress(
          servicesHost,
          `${prefixOf(svc, profile)}/api/headers`,
          { Authorization: `Bearer ${token(profile)}` },
        );
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
          services: {
            chartsDir: BUNDLED_CHARTS_DIR,
            forwardAuth: { ingressController: 'traefik' },
            exposure: { mode: 'prefix' },
          },
        },
      },
    });
    backend = server;
    const authUrl = `http://127.0.0.1:${server.port()}/api/knot/forward-auth`;

    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-prefix-'));
    const certs = createDevCertificates(tmp);
    webhook = await startWebhookServer({
      app: createWebhookApp({
        config: resolveConfig({
          ingress: {
            domain,
            controller: 'traefik',
            exposure: { mode: 'prefix' },
          },
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
    // alice's pods go to the real node (the cluster's policy for
    // namespaces labelled so): her chart-deployed service runs for real.
    profiles.push(
      await createProfileNamespace(alice, {
        ...testLabel,
        'knot.dev/real-node': 'true',
      }),
    );
    profiles.push(await createProfileNamespace(bob, testLabel));
    await Promise.all([deploy(alice, 'hello'), deploy(bob, 'x')]);
  });

  afterAll(async () => {
    const admission = testKubeClient(lib => lib.AdmissionregistrationV1Api);
    await admission
      .deleteMutatingWebhookConfiguration({ name: webhookName })
      .catch(() => {});
    await admission
      .deleteValidatingWebhookConfiguration({ name: webhookName })
      .catch(() => {});
    await uninstallReleases(`knot-${alice}`).catch(() => {});
    await Promise.all(profiles.map(p => p.remove()));
    await webhook?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("serves the owner's app at its prefix, moved there by the webhook", async () => {
    const ingress = await testKubeClient(
      lib => lib.NetworkingV1Api,
    ).readNamespacedIngress({ namespace: `knot-${alice}`, name: 'hello' });
    expect(ingress.spec?.rules?.[0].host).toBe(servicesHost);
    expect(ingress.spec?.rules?.[0].http?.paths[0].path).toBe(
      prefixOf('hello', alice),
    );
    const page = await viaIngress(
      servicesHost,
      `${prefixOf('hello', alice)}/`,
      {
        Authorization: `Bearer ${token(alice)}`,
      },
    );
    expect(page.status).toBe(200);
    expect(page.text).toContain(`hello of ${alice}`);
    expect(page.text).toContain(`signed in as <b id="user">${alice}</b>`);
  });

  it("refuses bob at alice's prefix (403) and sends anonymous browsers to sign in", async () => {
    const asBob = await viaIngress(
      servicesHost,
      `${prefixOf('hello', alice)}/`,
      {
        Authorization: `Bearer ${token(bob)}`,
      },
    );
    expect(asBob.status).toBe(403);
    expect(asBob.text).not.toContain(`hello of ${alice}`);
    const anonymous = await viaIngress(
      servicesHost,
      `${prefixOf('hello', alice)}/lab?x=1`,
    );
    expect(anonymous.status).toBe(302);
    const location = new URL(anonymous.headers.location as string);
    expect(location.pathname).toBe('/knot/services/sign-in');
    expect(location.searchParams.get('rd')).toBe(
      `https://${servicesHost}${prefixOf('hello', alice)}/lab?x=1`,
    );
    // A prefix that only starts like alice's is not hers: Traefik matches
    // Prefix paths segment by segment (404); forward-auth would refuse it.
    const longer = await viaIngress(
      servicesHost,
      `${prefixOf('hello', alice)}-x/api/headers`,
      { Authorization: `Bearer ${token(alice)}` },
    );
    expect(longer.status).toBe(404);
  });

  it('deploys the bundled chart through Knot at its prefix, served under its base path', async () => {
    const result = await installService(backend!, alice, {
      chart: 'hello-kubernetes',
      name: 'chart',
      values: { message: 'Hello from the prefix' },
    });
    expect(result.url).toBe(
      `https://${servicesHost}${prefixOf('chart', alice)}/`,
    );
    const page = await eventually(
      'the chart served at its prefix',
      async () => {
        const res = await viaIngress(
          servicesHost,
          `${prefixOf('chart', alice)}/`,
          { Authorization: `Bearer ${token(alice)}` },
        );
        return res.status === 200 ? res : undefined;
      },
      180_000,
    );
    expect(page.text).toContain('<h1 id="message">Hello from the prefix</h1>');
    const asBob = await viaIngress(
      servicesHost,
      `${prefixOf('chart', alice)}/`,
      { Authorization: `Bearer ${token(bob)}` },
    );
    expect(asBob.status).toBe(403);
  });

  it("serves Jupyter under its prefix (the chart's base_url from knot.basePath)", async () => {
    const base = `${prefixOf('nb', alice)}/`;
    // Knot's values as the install route sets them in prefix mode; the home
    // folder as the root (this test's webhook mounts no /private).
    await runHelm([
      'install',
      'nb',
      `${BUNDLED_CHARTS_DIR}/jupyter-notebook`,
      '-n',
      `knot-${alice}`,
      '--set',
      'knot.enabled=true',
      '--set',
      `knot.hostname=${servicesHost}`,
      '--set',
      `knot.basePath=${base}`,
      '--set',
      'knot.privateDir=/home/jovyan',
      '--set',
      'resources.cpu=250m',
      '--set',
      'resources.memory=1Gi',
    ]);
    const status = await eventually(
      'JupyterLab answering at its prefix',
      async () => {
        const res = await viaIngress(servicesHost, `${base}api/status`, {
          Authorization: `Bearer ${token(alice)}`,
        });
        if (res.status === 200) return res;
        // Said when it times out.
        throw new Error(`${res.status} ${res.text.slice(0, 200)}`);
      },
      240_000,
      2_000,
    );
    expect(JSON.parse(status.text)).toHaveProperty('started');
    // Its page links to its own prefix.
    const lab = await viaIngress(servicesHost, `${base}lab`, {
      Authorization: `Bearer ${token(alice)}`,
    });
    expect(lab.status).toBe(200);
    expect(lab.text).toContain(`"baseUrl": "${base}"`);
    const asBob = await viaIngress(servicesHost, `${base}api/status`, {
      Authorization: `Bearer ${token(bob)}`,
    });
    expect(asBob.status).toBe(403);
  });

  it("keeps Knot's session cookie from the app", async () => {
    const res = await viaIngress(
      servicesHost,
      `${prefixOf('hello', alice)}/api/headers`,
      { Cookie: `theme=dark; knot_session=${token(alice)}` },
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).Cookie).toEqual(['theme=dark']);
    expect(res.text).not.toContain(token(alice));
  });

  // What Traefik v3 does with each, and who refuses: it resolves dot
  // segments (also `%2e%2e`) and empty segments before routing and hands
  // forward-auth the resolved path, which names alice's prefix (403 for
  // bob); it routes nothing for `%2f` in the service segment (404); it keeps
  // `..%2F` after bob's own prefix as it is, so forward-auth gets the raw
  // path and refuses it (400): read naively, a decoding reader would find
  // alice's prefix there.
  it.each([
    ['/services/{bob}/../{alice}/api/headers', 403],
    ['/services/{bob}/%2e%2e/{alice}/api/headers', 403],
    ['/services/{bob}%2f..%2f{alice}/api/headers', 404],
    ['/services/{bob}/x/..%2F..%2F{alice}/api/headers', 400],
    ['/services//{alice}/api/headers', 403],
  ])(
    "refuses the path-traversal attempt %s from bob's prefix to alice's (%d)",
    async (pattern, status) => {
      const target = (pattern as string)
        .replace('{bob}', `x-${bob}`)
        .replace('{alice}', `hello-${alice}`);
      // Node sends the path as given (no dot segment resolved).
      const res = await viaIngress(servicesHost, target, {
        Authorization: `Bearer ${token(bob)}`,
      });
      expect({ target, status: res.status }).toEqual({ target, status });
      expect(res.text).not.toContain(`"X-Knot-Profile":["${alice}"]`);
    },
  );
});

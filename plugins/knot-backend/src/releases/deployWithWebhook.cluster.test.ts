import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createDevCertificates,
  createWebhookApp,
  resolveConfig,
  startWebhookServer,
  StaticDatasetLister,
  webhookConfigurations,
  type WebhookServer,
} from '@knot-platform/knot-webhook';
import { profileNamespace } from '@knot-platform/plugin-knot-common';
import {
  createProfileNamespace,
  describeWithCluster,
  installService,
  servicesTestConfigData,
  startKnotTestBackend,
  testKubeClient,
  testUsername,
  uninstallReleases,
} from '@knot-platform/knot-test-utils';

jest.setTimeout(120_000);

/**
 * The whole launch path of a service: the knot plugin installs a bundled
 * chart with real helm (as for the portal and the scaffolder's
 * knot:helm:install), and Knot's admission webhook, registered with the
 * real API server, injects storage and KNOT_* variables on the way in.
 */
describeWithCluster('a service deployed through the Knot webhook', () => {
  const user = testUsername('wh');
  const namespace = profileNamespace(user);
  const testLabel = { 'knot-services-webhook-test': user };
  let server: WebhookServer;
  let tmp: string;
  let profile: Awaited<ReturnType<typeof createProfileNamespace>>;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-services-webhook-'));
    const certs = createDevCertificates(tmp);
    server = await startWebhookServer({
      app: createWebhookApp({
        config: resolveConfig({
          ingress: { domain: 'knot.test', url: 'http://portal.test' },
        }),
        datasets: new StaticDatasetLister(),
      }),
      certFile: certs.certFile,
      keyFile: certs.keyFile,
      host: '127.0.0.1',
      port: 0,
    });
    const { mutating } = webhookConfigurations({
      name: `knot-services-test-${user}`,
      endpoint: { url: `https://127.0.0.1:${server.port}` },
      caPem: certs.caPem,
      extraNamespaceLabels: testLabel,
      timeoutSeconds: 10,
    });
    const admission = testKubeClient(lib => lib.AdmissionregistrationV1Api);
    await admission.createMutatingWebhookConfiguration({
      body: mutating as any,
    });
    profile = await createProfileNamespace(user, testLabel);
  });

  afterAll(async () => {
    await uninstallReleases(namespace);
    const admission = testKubeClient(lib => lib.AdmissionregistrationV1Api);
    await admission
      .deleteMutatingWebhookConfiguration({
        name: `knot-services-test-${user}`,
      })
      .catch(() => {});
    await profile?.remove();
    await server?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('carries the Knot hostname and the webhook injections', async () => {
    const backend = await startKnotTestBackend({
      config: servicesTestConfigData(),
    });
    await installService(backend.server, user, {
      chart: 'hello-kubernetes',
      name: 'hello',
      values: {},
    });

    const apps = testKubeClient(lib => lib.AppsV1Api);
    const deployment = await apps.readNamespacedDeployment({
      name: 'hello',
      namespace,
    });
    const pod = deployment.spec!.template.spec!;
    expect(pod.volumes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          persistentVolumeClaim: { claimName: 'knot-private' },
        }),
        expect.objectContaining({
          persistentVolumeClaim: { claimName: 'knot-shared' },
        }),
      ]),
    );
    const container = pod.containers[0];
    expect(container.volumeMounts?.map(m => m.mountPath)).toEqual(
      expect.arrayContaining(['/private', '/shared']),
    );
    expect(container.env).toEqual(
      expect.arrayContaining([
        { name: 'KNOT_USERNAME', value: user },
        { name: 'KNOT_NAMESPACE', value: namespace },
      ]),
    );

    const networking = testKubeClient(lib => lib.NetworkingV1Api);
    const ingresses = await networking.listNamespacedIngress({ namespace });
    const ingress = ingresses.items[0];
    expect(ingress.spec?.rules?.[0].host).toBe(`hello-${user}.knot.test`);
    // The webhook put the ingress behind Knot's forward-auth.
    expect(ingress.metadata?.annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/auth-url':
        'http://portal.test/api/knot/forward-auth?redirect=1',
    });
  });
});

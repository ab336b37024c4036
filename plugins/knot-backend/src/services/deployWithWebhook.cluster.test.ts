import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  createDevCertificates,
  createWebhookApp,
  resolveConfig,
  startWebhookServer,
  StaticDatasetLister,
  webhookConfigurations,
  type WebhookServer,
} from '@knot-platform/knot-webhook';
import {
  KNOT_NAMESPACE_ENABLED,
  KNOT_NAMESPACE_LABEL,
  profileNamespace,
} from '@knot-platform/plugin-knot-common';
import { describeWithCluster, testKubeconfig } from '../__testUtils__/cluster';
import { testUsername } from '../__testUtils__/profiles';
import { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import { SelfOnlyProfileAccess } from '../profiles/ProfileAccess';
import { createHelmInstallAction } from './helmInstallAction';
import { createServiceInstaller, helmFromConfig } from './settings';
import { servicesTestConfigData } from '../__testUtils__/services';

jest.setTimeout(120_000);

/**
 * The whole launch path of a service: the scaffolder action installs a
 * bundled chart with real helm, and Knot's admission webhook, registered with
 * the real API server, injects storage and KNOT_* variables on the way in.
 */
describeWithCluster('a service deployed through the Knot webhook', () => {
  const user = testUsername('wh');
  const namespace = profileNamespace(user);
  const testLabel = { 'knot-services-webhook-test': user };
  const config = new ConfigReader(servicesTestConfigData());
  const kubernetes = new KubernetesClientFactory(testKubeconfig());
  let server: WebhookServer;
  let tmp: string;

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
    const admission = await kubernetes.makeClient(
      lib => lib.AdmissionregistrationV1Api,
    );
    await admission.createMutatingWebhookConfiguration({
      body: mutating as any,
    });
    const core = await kubernetes.makeClient(lib => lib.CoreV1Api);
    await core.createNamespace({
      body: {
        metadata: {
          name: namespace,
          labels: {
            [KNOT_NAMESPACE_LABEL]: KNOT_NAMESPACE_ENABLED,
            ...testLabel,
          },
        },
      },
    });
  });

  afterAll(async () => {
    const helm = helmFromConfig(config);
    for (const release of await helm.list(namespace).catch(() => [])) {
      await helm.uninstall(release.name, namespace).catch(() => {});
    }
    const admission = await kubernetes.makeClient(
      lib => lib.AdmissionregistrationV1Api,
    );
    await admission
      .deleteMutatingWebhookConfiguration({
        name: `knot-services-test-${user}`,
      })
      .catch(() => {});
    const core = await kubernetes.makeClient(lib => lib.CoreV1Api);
    await core.deleteNamespace({ name: namespace }).catch(() => {});
    await server?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('carries the Knot hostname and the webhook injections', async () => {
    const ctx = createMockActionContext({
      input: { chart: 'hello-kubernetes', name: 'hello', values: {} } as any,
      logger: mockServices.logger.mock(),
      user: { ref: `user:default/${user}` },
    });
    const action = createHelmInstallAction(
      createServiceInstaller(config, new SelfOnlyProfileAccess(), () => {}),
    );
    await action.handler(ctx as any);

    const apps = await kubernetes.makeClient(lib => lib.AppsV1Api);
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

    const networking = await kubernetes.makeClient(lib => lib.NetworkingV1Api);
    const ingresses = await networking.listNamespacedIngress({ namespace });
    const ingress = ingresses.items[0];
    expect(ingress.spec?.rules?.[0].host).toBe(`hello-${user}.knot.test`);
    // The webhook put the ingress behind Knot's forward-auth.
    expect(ingress.metadata?.annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/auth-url':
        'http://portal.test/api/knot/forward-auth',
    });
  });
});

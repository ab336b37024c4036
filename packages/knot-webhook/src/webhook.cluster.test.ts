import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type * as k8s from '@kubernetes/client-node';
import { createWebhookApp } from './app';
import { resolveConfig } from './config';
import { KubernetesDatasetLister } from './datasets/KubernetesDatasetLister';
import { KubernetesHostClaimsSource } from './hostClaims/KubernetesHostClaimsSource';
import { loadClientNode } from './datasets/loadClientNode';
import { createDevCertificates } from './server/devCertificates';
import {
  type WebhookServer,
  startWebhookServer,
} from './server/startWebhookServer';
import { webhookConfigurations } from './webhookConfigurations';
import {
  describeWithCluster,
  eventually,
  testIngress,
  testKubeconfig,
} from '@knot-platform/knot-test-utils';

jest.setTimeout(120_000);

const run = randomBytes(3).toString('hex');
// The prefix makes alice's namespace `knot-t<run>-alice`: username `alice`.
const prefix = `knot-t${run}-`;
const alice = `${prefix}alice`;
const plain = `plain-${run}`;
// A namespace with Knot's prefix but without the label: also untouched.
const unlabelled = `${prefix}carol`;
// doe and john-doe: the reported takeover of a longer profile's hostname.
const doe = `${prefix}doe`;
const johnDoe = `${prefix}john-doe`;
const domain = 'example.test';
const testLabel = { 'knot-webhook-test': run };

/** The message of the API server's Status in a client-node error. */
function errorText(error: any): string {
  try {
    const body =
      typeof error?.body === 'string' ? JSON.parse(error.body) : error?.body;
    return String(body?.message ?? error?.message);
  } catch {
    return String(error?.message ?? error);
  }
}

const container = (name = 'app') => ({ name, image: 'busybox' });

describeWithCluster('knot-webhook against the real API server', () => {
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;
  let networking: k8s.NetworkingV1Api;
  let admission: k8s.AdmissionregistrationV1Api;
  let extensions: k8s.ApiextensionsV1Api;
  let custom: k8s.CustomObjectsApi;
  let server: WebhookServer;
  let tmp: string;
  const pvs: string[] = [];

  async function boundClaim(namespace: string, claim: string) {
    const pv = `${claim}-${run}`;
    pvs.push(pv);
    await core.createPersistentVolume({
      body: {
        metadata: { name: pv },
        spec: {
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteMany'],
          storageClassName: '',
          hostPath: { path: `/tmp/${pv}` },
          claimRef: { namespace, name: claim },
        },
      },
    });
    await core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: {
        metadata: { name: claim },
        spec: {
          accessModes: ['ReadWriteMany'],
          storageClassName: '',
          volumeName: pv,
          resources: { requests: { storage: '1Gi' } },
        },
      },
    });
  }

  beforeAll(async () => {
    const lib = loadClientNode();
    const kc = new lib.KubeConfig();
    kc.loadFromFile(testKubeconfig()!);
    core = kc.makeApiClient(lib.CoreV1Api);
    apps = kc.makeApiClient(lib.AppsV1Api);
    networking = kc.makeApiClient(lib.NetworkingV1Api);
    admission = kc.makeApiClient(lib.AdmissionregistrationV1Api);
    extensions = kc.makeApiClient(lib.ApiextensionsV1Api);
    custom = kc.makeApiClient(lib.CustomObjectsApi);

    // Datashim's Dataset CRD (the original group); the webhook lists both.
    await extensions
      .createCustomResourceDefinition({
        body: {
          metadata: { name: 'datasets.com.ie.ibm.hpsys' },
          spec: {
            group: 'com.ie.ibm.hpsys',
            scope: 'Namespaced',
            names: { plural: 'datasets', singular: 'dataset', kind: 'Dataset' },
            versions: [
              {
                name: 'v1alpha1',
                served: true,
                storage: true,
                schema: {
                  openAPIV3Schema: {
                    type: 'object',
                    x_kubernetes_preserve_unknown_fields: true,
                  },
                },
              },
            ],
          },
        },
      })
      .catch((error: any) => {
        if (error?.code !== 409) throw error;
      });

    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-webhook-'));
    const certs = createDevCertificates(tmp);
    const config = resolveConfig({
      namespacePrefix: prefix,
      ingress: { domain, url: `https://knot.${domain}` },
      hostPathAllowlist: ['/data'],
    });
    server = await startWebhookServer({
      app: createWebhookApp({
        config,
        datasets: KubernetesDatasetLister.fromKubeconfig(testKubeconfig(), 0),
        hostClaims: KubernetesHostClaimsSource.fromKubeconfig(
          testKubeconfig(),
          prefix,
        ),
      }),
      certFile: certs.certFile,
      keyFile: certs.keyFile,
      host: '127.0.0.1',
      port: 0,
    });
    const { mutating, validating } = webhookConfigurations({
      name: `knot-test-${run}`,
      endpoint: { url: `https://127.0.0.1:${server.port}` },
      caPem: certs.caPem,
      extraNamespaceLabels: testLabel,
      timeoutSeconds: 10,
    });
    await admission.createMutatingWebhookConfiguration({
      body: mutating as any,
    });
    await admission.createValidatingWebhookConfiguration({
      body: validating as any,
    });

    const knotLabels = { knot: 'enabled', ...testLabel };
    await core.createNamespace({
      body: { metadata: { name: alice, labels: knotLabels } },
    });
    for (const name of [doe, johnDoe]) {
      await core.createNamespace({
        body: { metadata: { name, labels: knotLabels } },
      });
    }
    await core.createNamespace({ body: { metadata: { name: plain } } });
    await core.createNamespace({ body: { metadata: { name: unlabelled } } });
    // Pods need the namespaces' default service accounts to exist.
    const api = core;
    await Promise.all(
      [alice, plain, unlabelled].map(namespace =>
        eventually(`the default service account of ${namespace}`, async () =>
          api.readNamespacedServiceAccount({ namespace, name: 'default' }),
        ),
      ),
    );
    await boundClaim(alice, 'knot-private');
    await boundClaim(alice, 'knot-shared');
    await boundClaim(alice, 'mnist');
    await eventually('the Dataset CRD', async () =>
      custom
        .createNamespacedCustomObject({
          group: 'com.ie.ibm.hpsys',
          version: 'v1alpha1',
          namespace: alice,
          plural: 'datasets',
          body: {
            apiVersion: 'com.ie.ibm.hpsys/v1alpha1',
            kind: 'Dataset',
            metadata: { name: 'mnist' },
            spec: { local: { type: 'HOST', path: '/data/mnist' } },
          },
        })
        .then(() => true),
    );
  });

  afterAll(async () => {
    const quiet = (p: Promise<unknown> | undefined) =>
      p?.catch(() => undefined);
    await quiet(
      admission?.deleteMutatingWebhookConfiguration({
        name: `knot-test-${run}`,
      }),
    );
    await quiet(
      admission?.deleteValidatingWebhookConfiguration({
        name: `knot-test-${run}`,
      }),
    );
    for (const name of [alice, plain, unlabelled, doe, johnDoe]) {
      await quiet(core?.deleteNamespace({ name }));
    }
    for (const name of pvs) {
      await quiet(core.deletePersistentVolume({ name }));
    }
    await server?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const envOf = (c: k8s.V1Container) =>
    Object.fromEntries((c.env ?? []).map(e => [e.name, e.value]));
  const mountsOf = (c: k8s.V1Container) =>
    Object.fromEntries((c.volumeMounts ?? []).map(m => [m.mountPath, m.name]));
  const claimsOf = (spec: k8s.V1PodSpec) =>
    (spec.volumes ?? [])
      .map(v => v.persistentVolumeClaim?.claimName)
      .filter(Boolean);

  function expectKnot(spec: k8s.V1PodSpec, datasets: boolean) {
    expect(claimsOf(spec)).toEqual(
      datasets
        ? ['knot-private', 'knot-shared', 'mnist']
        : ['knot-private', 'knot-shared'],
    );
    for (const c of spec.containers) {
      // The API server adds the service account token mount too.
      const mounts = mountsOf(c);
      expect(mounts).toMatchObject({
        '/private': 'knot-private',
        '/shared': 'knot-shared',
      });
      expect(mounts['/mnt/datasets/mnist']).toBe(
        datasets ? 'knot-ds-mnist' : undefined,
      );
      expect(envOf(c)).toMatchObject({
        KNOT_USERNAME: 'alice',
        KNOT_NAMESPACE: alice,
        KNOT_INGRESS_URL: `https://knot.${domain}`,
        KNOT_PRIVATE_DIR: '/private',
        KNOT_SHARED_DIR: '/shared',
      });
    }
  }

  it('mutates a Deployment and the pod the cluster runs for it', async () => {
    const created = await apps.createNamespacedDeployment({
      namespace: alice,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [container('a'), container('b')] },
          },
        },
      },
    });
    expectKnot(created.spec!.template.spec!, true);
    const read = await apps.readNamespacedDeployment({
      namespace: alice,
      name: 'web',
    });
    expectKnot(read.spec!.template.spec!, true);

    const running = await eventually(
      'a running pod of the Deployment',
      async () => {
        const pods = await core.listNamespacedPod({
          namespace: alice,
          labelSelector: 'app=web',
        });
        return pods.items.find(p => p.status?.phase === 'Running');
      },
    );
    expect(running.spec!.nodeName).toBeTruthy();
    expectKnot(running.spec!, true);
  });

  it('mutates a bare Pod, keeping variables the user set', async () => {
    const created = await core.createNamespacedPod({
      namespace: alice,
      body: {
        metadata: { name: 'bare' },
        spec: {
          containers: [
            { ...container(), env: [{ name: 'KNOT_USERNAME', value: 'me' }] },
          ],
        },
      },
    });
    const read = await core.readNamespacedPod({
      namespace: alice,
      name: 'bare',
    });
    expect(read.spec!.volumes).toEqual(created.spec!.volumes);
    expect(read.spec!.containers).toEqual(created.spec!.containers);
    expect(envOf(read.spec!.containers[0]).KNOT_USERNAME).toBe('me');
    expect(claimsOf(read.spec!)).toEqual([
      'knot-private',
      'knot-shared',
      'mnist',
    ]);
    expect(mountsOf(read.spec!.containers[0])['/mnt/datasets/mnist']).toBe(
      'knot-ds-mnist',
    );
  });

  it('leaves datasets out of objects labelled knot-no-datasets', async () => {
    const pod = await core.createNamespacedPod({
      namespace: alice,
      body: {
        metadata: { name: 'nods', labels: { 'knot-no-datasets': 'true' } },
        spec: { containers: [container()] },
      },
    });
    expectKnot(pod.spec!, false);
    const deployment = await apps.createNamespacedDeployment({
      namespace: alice,
      body: {
        metadata: { name: 'nods', labels: { 'knot-no-datasets': 'true' } },
        spec: {
          selector: { matchLabels: { app: 'nods' } },
          template: {
            metadata: { labels: { app: 'nods' } },
            spec: { containers: [container()] },
          },
        },
      },
    });
    expectKnot(deployment.spec!.template.spec!, false);
    expect(claimsOf(deployment.spec!.template.spec!)).not.toContain('mnist');
  });

  it("refuses a hostPath outside the allowlist with the webhook's message", async () => {
    const attempt = (hostPath: string, name: string) =>
      core.createNamespacedPod({
        namespace: alice,
        body: {
          metadata: { name },
          spec: {
            containers: [container()],
            volumes: [{ name: 'host', hostPath: { path: hostPath } }],
          },
        },
      });
    const error = await attempt('/etc', 'etc').catch(e => e);
    expect(error?.code).toBe(403);
    expect(errorText(error)).toContain(
      'hostPath volume "host" mounts /etc, which is outside the allowlist (allowed host paths: /data)',
    );
    await expect(attempt('/data/x', 'data')).resolves.toBeDefined();
  });

  it("refuses an Ingress claiming bob's hostname; protects alice's own", async () => {
    const ingress = (name: string, host: string) =>
      networking.createNamespacedIngress({
        namespace: alice,
        body: testIngress(name, host, 'web'),
      });
    const error = await ingress('steal', `web-bob.${domain}`).catch(e => e);
    expect(error?.code).toBe(403);
    expect(errorText(error)).toContain(`web-bob.${domain}`);
    expect(errorText(error)).toContain(`<name>-alice.${domain}`);

    const own = await ingress('own', `web-alice.${domain}`);
    expect(own.metadata!.annotations).toEqual({
      'nginx.ingress.kubernetes.io/auth-url': `https://knot.${domain}/api/knot/forward-auth?redirect=1`,
      'nginx.ingress.kubernetes.io/auth-response-headers':
        'X-Knot-User,X-Knot-Profile,Cookie,Authorization',
    });
  });

  it("gives every hostname to one profile: no longer profile's host, no host named elsewhere", async () => {
    const create = (namespace: string, name: string, host: string) =>
      networking.createNamespacedIngress({
        namespace,
        body: testIngress(name, host, 'web'),
      });
    // doe may not take john-doe's my-app; john-doe may.
    const stolen = await create(
      doe,
      'steal',
      `my-app-john-doe.${domain}`,
    ).catch(e => e);
    expect(stolen?.code).toBe(403);
    expect(errorText(stolen)).toContain(
      `Ingress host "my-app-john-doe.${domain}" is not allowed: it names a service of the profile john-doe`,
    );
    await expect(
      create(johnDoe, 'my-app', `my-app-john-doe.${domain}`),
    ).resolves.toBeDefined();
    // A host an Ingress outside any profile already names (an admin's).
    await networking.createNamespacedIngress({
      namespace: plain,
      body: testIngress('ops', `ops-alice.${domain}`, 'web'),
    });
    const taken = await create(alice, 'ops', `ops-alice.${domain}`).catch(
      e => e,
    );
    expect(errorText(taken)).toContain(
      'an Ingress in another namespace already uses it',
    );
  });

  it('refuses default backends and host-adding annotations', async () => {
    const body = testIngress('catch-all', `web2-alice.${domain}`, 'web');
    body.spec!.defaultBackend = {
      service: { name: 'web', port: { number: 80 } },
    };
    const catchAll = await networking
      .createNamespacedIngress({ namespace: alice, body })
      .catch(e => e);
    expect(errorText(catchAll)).toContain('spec.defaultBackend is not allowed');
    const alias = testIngress('alias', `web3-alice.${domain}`, 'web');
    alias.metadata!.annotations = {
      'nginx.ingress.kubernetes.io/server-alias': `web-bob.${domain}`,
    };
    const aliased = await networking
      .createNamespacedIngress({ namespace: alice, body: alias })
      .catch(e => e);
    expect(errorText(aliased)).toContain(
      'Ingress annotation "nginx.ingress.kubernetes.io/server-alias" is not allowed',
    );
  });

  it('leaves namespaces not managed by Knot untouched', async () => {
    for (const namespace of [plain, unlabelled]) {
      const pod = await core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name: 'p' },
          spec: {
            containers: [container()],
            volumes: [{ name: 'host', hostPath: { path: '/etc' } }],
          },
        },
      });
      expect(claimsOf(pod.spec!)).toEqual([]);
      expect(pod.spec!.containers[0].env).toBeUndefined();
      expect(pod.spec!.volumes!.map(v => v.name)).toContain('host');
    }
  });
});

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type * as k8s from '@kubernetes/client-node';
import {
  describeWithCluster,
  eventually,
  removeProvisionedProfiles,
  startAuthenticatedRegistry,
  testKubeconfig,
  type AuthenticatedRegistry,
} from '@knot-platform/knot-test-utils';
import { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import { KubeObjects } from './KubeObjects';
import { readProvisioningConfig } from './config';
import { ProvisioningReconciler } from './ProvisioningReconciler';

jest.setTimeout(180_000);

// Pulls happen on the cluster's real node (KNOT_REAL_NODE=1); its
// containerd reaches a loopback registry over plain HTTP.
const describeRealNode =
  process.env.KNOT_REAL_NODE === '1' && process.env.KNOT_IMAGE_REGISTRY_ADDRESS
    ? describeWithCluster
    : describe.skip;

describeRealNode(
  'a pod pulls a private image with the profile pull secret',
  () => {
    const run = Math.random().toString(36).slice(2, 7);
    // alice's namespace has the pull secret, bob's was provisioned without.
    const alice = `alice-${run}`;
    const bob = `bob-${run}`;
    const prefix = `kp${run}-`;
    const ns = (name: string) => `${prefix}${name}`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-pull-'));
    const clients = new KubernetesClientFactory(testKubeconfig());
    let registry: AuthenticatedRegistry;
    let image: string;
    let core: k8s.CoreV1Api;

    const provision = async (name: string, withCredentials: boolean) => {
      const config = readProvisioningConfig(
        new ConfigReader({
          knot: {
            namespacePrefix: prefix,
            storage: {
              privateDir: path.join(dir, 'private'),
              sharedDir: path.join(dir, 'shared'),
            },
            images: {
              registry: {
                url: registry.url,
                pullHost: registry.host,
                ...(withCredentials && registry.credentials),
              },
            },
          },
        }),
      );
      const report = await new ProvisioningReconciler({
        kube: new KubeObjects(clients),
        source: {
          listProfiles: async () => [{ name, isTeam: false, active: true }],
        },
        config,
        logger: mockServices.logger.mock(),
      }).reconcileProfile(name);
      const failed = report.actions.filter(a => a.action === 'failed');
      if (failed.length > 0) {
        throw new Error(`provisioning failed: ${JSON.stringify(failed)}`);
      }
    };

    beforeAll(async () => {
      core = await clients.makeClient(lib => lib.CoreV1Api);
      registry = await startAuthenticatedRegistry();
      // The cluster registry's busybox, copied into the private registry
      // with crane (credentials in a Docker config of this test's own).
      const { username, password } = registry.credentials;
      const dockerConfig = path.join(dir, 'docker');
      fs.mkdirSync(dockerConfig);
      fs.writeFileSync(
        path.join(dockerConfig, 'config.json'),
        JSON.stringify({
          auths: {
            [registry.host]: {
              auth: Buffer.from(`${username}:${password}`).toString('base64'),
            },
          },
        }),
      );
      const source = process.env.KNOT_IMAGE_REGISTRY_ADDRESS!;
      const [tag] = execFileSync('crane', [
        'ls',
        '--insecure',
        `${source}/knot/busybox`,
      ])
        .toString()
        .trim()
        .split('\n');
      image = `${registry.host}/private/busybox-${run}:${tag}`;
      execFileSync(
        'crane',
        ['copy', '--insecure', `${source}/knot/busybox:${tag}`, image],
        {
          env: { ...process.env, DOCKER_CONFIG: dockerConfig },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      await provision(alice, true);
      await provision(bob, false);
    });

    afterAll(async () => {
      await removeProvisionedProfiles([alice, bob], prefix);
      await registry?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    async function startPod(namespace: string): Promise<void> {
      await core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name: 'private-image' },
          spec: {
            // No imagePullSecrets and no serviceAccountName: `default`'s.
            nodeSelector: { 'knot.dev/node': 'real' },
            tolerations: [
              {
                key: 'knot.dev/node',
                operator: 'Equal',
                value: 'real',
                effect: 'NoSchedule',
              },
            ],
            terminationGracePeriodSeconds: 0,
            containers: [
              {
                name: 'main',
                image,
                command: ['sleep', '600'],
              },
            ],
          },
        },
      });
    }

    // First: before the image is on the node, where kubelet might not pull.
    it('refuses the pull in a namespace without it (401)', async () => {
      await startPod(ns(bob));
      const waiting = await eventually(
        'the pull to be refused',
        async () => {
          const p = await core.readNamespacedPod({
            name: 'private-image',
            namespace: ns(bob),
          });
          const w = p.status?.containerStatuses?.[0]?.state?.waiting;
          return w?.reason === 'ErrImagePull' ||
            w?.reason === 'ImagePullBackOff'
            ? w
            : undefined;
        },
        120_000,
      );
      expect(waiting.message).toMatch(/401|unauthorized/i);
    });

    it('starts the pod in the namespace with the pull secret', async () => {
      const before = (await registry.requests()).length;
      await startPod(ns(alice));
      const pod = await eventually(
        'the pod to run',
        async () => {
          const p = await core.readNamespacedPod({
            name: 'private-image',
            namespace: ns(alice),
          });
          const waiting = p.status?.containerStatuses?.[0]?.state?.waiting;
          if (waiting?.reason === 'ErrImagePull') {
            throw new Error(`${waiting.reason}: ${waiting.message}`);
          }
          return p.status?.phase === 'Running' ? p : undefined;
        },
        120_000,
      );
      // The secret came from the account, not the pod's own spec.
      expect(pod.spec?.imagePullSecrets).toEqual([{ name: 'knot-registry' }]);
      // And the node fetched it from the private registry, signed in (the
      // reported imageID may name another copy of the same content).
      const pulls = (await registry.requests())
        .slice(before)
        .filter(r =>
          r.path.startsWith(`/v2/private/busybox-${run}/manifests/`),
        );
      expect(pulls.some(r => r.status === 200)).toBe(true);
    });
  },
);

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
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
import {
  startFakeHarbor,
  type FakeHarbor,
} from '../harbor/__testUtils__/fakeHarbor';
import { KubeObjects } from './KubeObjects';
import { readProvisioningConfig } from './config';
import { ProvisioningReconciler } from './ProvisioningReconciler';
import { REGISTRY_PULL_SECRET } from './registryPullSecret';

jest.setTimeout(240_000);

const exec = promisify(execFile);

// Pulls happen on the cluster's real node (KNOT_REAL_NODE=1).
const describeRealNode =
  process.env.KNOT_REAL_NODE === '1' && process.env.KNOT_IMAGE_REGISTRY_ADDRESS
    ? describeWithCluster
    : describe.skip;

/**
 * The Harbor path end to end, as far as it can run here: a fake Harbor
 * (its API checked against Harbor's published description, its token
 * service signing registry tokens for the robots it made) in front of a
 * real distribution registry with token authentication, as Harbor runs its
 * own. No Harbor server runs. Provisioning makes each profile's robot; the
 * real node's containerd pulls with the pull secret Knot wrote.
 */
describeRealNode(
  'a pod pulls from its Harbor project with the profile robot',
  () => {
    const run = Math.random().toString(36).slice(2, 7);
    const alice = `alice-${run}`;
    const bob = `bob-${run}`;
    const prefix = `kh${run}-`;
    const ns = (name: string) => `${prefix}${name}`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-harbor-pull-'));
    const admin = { username: 'admin', password: `Adm1n-${run}` };
    const clients = new KubernetesClientFactory(testKubeconfig());
    let harbor: FakeHarbor;
    let registry: AuthenticatedRegistry;
    let image: string;
    let core: k8s.CoreV1Api;

    const reconcile = async () => {
      const config = readProvisioningConfig(
        new ConfigReader({
          knot: {
            namespacePrefix: prefix,
            storage: {
              privateDir: path.join(dir, 'private'),
              sharedDir: path.join(dir, 'shared'),
            },
            integrations: {
              harbor: {
                url: harbor.url,
                oidc: { clientSecret: 'unused' },
                api: admin,
              },
            },
          },
        }),
      );
      const report = await new ProvisioningReconciler({
        kube: new KubeObjects(clients),
        source: {
          listProfiles: async () =>
            [alice, bob].map(name => ({ name, isTeam: false, active: true })),
        },
        config,
        logger: mockServices.logger.mock(),
      }).reconcileAll();
      const failed = report.actions.filter(a => a.action === 'failed');
      if (failed.length > 0) {
        throw new Error(`provisioning failed: ${JSON.stringify(failed)}`);
      }
      return report;
    };

    beforeAll(async () => {
      core = await clients.makeClient(lib => lib.CoreV1Api);
      harbor = await startFakeHarbor({ admin });
      harbor.users.add(alice);
      harbor.users.add(bob);
      registry = await startAuthenticatedRegistry({ token: harbor.tokenAuth });
      harbor.setRegistry(registry.url);
      await reconcile();
      // The cluster registry's busybox, pushed into alice's project through
      // the fake Harbor as its admin (crane follows the token challenge).
      const dockerConfig = path.join(dir, 'docker');
      fs.mkdirSync(dockerConfig);
      fs.writeFileSync(
        path.join(dockerConfig, 'config.json'),
        JSON.stringify({
          auths: {
            [harbor.host]: {
              auth: Buffer.from(`${admin.username}:${admin.password}`).toString(
                'base64',
              ),
            },
          },
        }),
      );
      const source = process.env.KNOT_IMAGE_REGISTRY_ADDRESS!;
      const [tag] = (
        await exec('crane', ['ls', '--insecure', `${source}/knot/busybox`])
      ).stdout
        .trim()
        .split('\n');
      image = `${harbor.host}/${alice}/busybox:${tag}`;
      // Not execFileSync: the fake Harbor answers crane from this process.
      await exec(
        'crane',
        ['copy', '--insecure', `${source}/knot/busybox:${tag}`, image],
        { env: { ...process.env, DOCKER_CONFIG: dockerConfig } },
      );
    });

    afterAll(async () => {
      await removeProvisionedProfiles([alice, bob], prefix);
      await registry?.stop();
      await harbor?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    afterEach(() => harbor.assertNoViolations());

    async function startPod(namespace: string, name: string): Promise<void> {
      await core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name },
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
                // Every start pulls: the node's copy proves nothing.
                imagePullPolicy: 'Always',
                command: ['sleep', '600'],
              },
            ],
          },
        },
      });
    }

    const running = (namespace: string, name: string) =>
      eventually(
        `pod ${name} to run`,
        async () => {
          const p = await core.readNamespacedPod({ name, namespace });
          const waiting = p.status?.containerStatuses?.[0]?.state?.waiting;
          if (waiting?.reason === 'ErrImagePull') {
            throw new Error(`${waiting.reason}: ${waiting.message}`);
          }
          return p.status?.phase === 'Running' ? p : undefined;
        },
        120_000,
      );

    const refused = (namespace: string, name: string) =>
      eventually(
        `the pull of ${name} to be refused`,
        async () => {
          const p = await core.readNamespacedPod({ name, namespace });
          const w = p.status?.containerStatuses?.[0]?.state?.waiting;
          return w?.reason === 'ErrImagePull' ||
            w?.reason === 'ImagePullBackOff'
            ? w
            : undefined;
        },
        120_000,
      );

    // First: before the image is on the node.
    it("refuses alice's image to bob's namespace (his robot may pull only his project)", async () => {
      const secret = await core.readNamespacedSecret({
        name: REGISTRY_PULL_SECRET,
        namespace: ns(bob),
      });
      expect(
        JSON.parse(
          Buffer.from(secret.data!['.dockerconfigjson'], 'base64').toString(),
        ).auths[harbor.host].username,
      ).toBe(`robot$knot-${bob}`);
      await startPod(ns(bob), 'not-his');
      const waiting = await refused(ns(bob), 'not-his');
      expect(waiting.message).toMatch(
        /401|403|unauthorized|denied|insufficient/i,
      );
    });

    it("starts alice's pod from her project with her robot's pull secret", async () => {
      const before = (await registry.requests()).length;
      await startPod(ns(alice), 'hers');
      const pod = await running(ns(alice), 'hers');
      expect(pod.spec?.imagePullSecrets).toEqual([
        { name: REGISTRY_PULL_SECRET },
      ]);
      const pulls = (await registry.requests())
        .slice(before)
        .filter(r => r.path.startsWith(`/v2/${alice}/busybox/manifests/`));
      expect(pulls.some(r => r.status === 200)).toBe(true);
    });

    it('pulls again after the robot secret changed in Harbor: Knot rotated it', async () => {
      harbor.changeRobotSecret(`robot$knot-${alice}`);
      const report = await reconcile();
      expect(
        report.actions.map(a => `${a.action} ${a.kind} ${a.name}`).sort(),
      ).toEqual(
        [
          `updated HarborRobot robot$knot-${alice}`,
          `updated Secret ${ns(alice)}/${REGISTRY_PULL_SECRET}`,
        ].sort(),
      );
      await startPod(ns(alice), 'hers-again');
      await running(ns(alice), 'hers-again');
    });
  },
);

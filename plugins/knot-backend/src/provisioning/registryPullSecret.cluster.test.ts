import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type * as k8s from '@kubernetes/client-node';
import {
  describeWithCluster,
  removeProvisionedProfiles,
  testKubeconfig,
} from '@knot-platform/knot-test-utils';
import { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import { KubeObjects } from './KubeObjects';
import { readProvisioningConfig } from './config';
import { ProvisioningReconciler } from './ProvisioningReconciler';
import {
  REGISTRY_CREDENTIALS_HASH,
  REGISTRY_PULL_SECRET,
} from './registryPullSecret';

jest.setTimeout(120_000);

describeWithCluster('the registry pull secret of every profile', () => {
  const run = Math.random().toString(36).slice(2, 7);
  const alice = `alice-${run}`;
  const bob = `bob-${run}`;
  const names = [alice, bob];
  // A prefix of our own: the orphan sweep only ever looks at this run's.
  const prefix = `kr${run}-`;
  const ns = (name: string) => `${prefix}${name}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-pull-'));
  const PASSWORD = `pw-${run}-secret`;
  const configWith = (registry?: object) =>
    readProvisioningConfig(
      new ConfigReader({
        knot: {
          namespacePrefix: prefix,
          storage: {
            privateDir: path.join(dir, 'private'),
            sharedDir: path.join(dir, 'shared'),
          },
          ...(registry && { images: { registry } }),
        },
      }),
    );
  const registry = (password: string) => ({
    url: 'http://127.0.0.1:5000',
    pullHost: 'registry.knot.internal',
    username: 'knot-pull',
    password,
  });
  const clients = new KubernetesClientFactory(testKubeconfig());
  const logger = mockServices.logger.mock();
  const reconcile = async (config: ReturnType<typeof configWith>) => {
    const report = await new ProvisioningReconciler({
      kube: new KubeObjects(clients),
      source: {
        listProfiles: async () =>
          names.map(name => ({ name, isTeam: false, active: true })),
      },
      config,
      logger,
    }).reconcileAll();
    const failed = report.actions.filter(a => a.action === 'failed');
    if (failed.length > 0) {
      throw new Error(`provisioning failed: ${JSON.stringify(failed)}`);
    }
    return report;
  };
  let core: k8s.CoreV1Api;
  let authz: k8s.AuthorizationV1Api;

  beforeAll(async () => {
    core = await clients.makeClient(lib => lib.CoreV1Api);
    authz = await clients.makeClient(lib => lib.AuthorizationV1Api);
    await reconcile(configWith(registry(PASSWORD)));
  });

  afterAll(async () => {
    await removeProvisionedProfiles(names, prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function pullAuth(namespace: string) {
    const secret = await core.readNamespacedSecret({
      name: REGISTRY_PULL_SECRET,
      namespace,
    });
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
    return JSON.parse(
      Buffer.from(secret.data!['.dockerconfigjson'], 'base64').toString(),
    ).auths['registry.knot.internal'];
  }

  it('writes the credentials for the pull host, and both accounts list them', async () => {
    for (const name of names) {
      const auth = await pullAuth(ns(name));
      expect(Buffer.from(auth.auth, 'base64').toString()).toBe(
        `knot-pull:${PASSWORD}`,
      );
      for (const account of ['default', 'knot']) {
        const sa = await core.readNamespacedServiceAccount({
          name: account,
          namespace: ns(name),
        });
        expect(sa.imagePullSecrets).toEqual([{ name: REGISTRY_PULL_SECRET }]);
      }
    }
  });

  it('writes nothing when the config is unchanged', async () => {
    const report = await reconcile(configWith(registry(PASSWORD)));
    expect(report.actions).toEqual([]);
  });

  it("does not let bob's namespace token read alice's pull secret (SubjectAccessReview)", async () => {
    const may = async (account: string, namespace: string) =>
      (
        await authz.createSubjectAccessReview({
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SubjectAccessReview',
            spec: {
              user: `system:serviceaccount:${ns(account)}:knot`,
              groups: [
                'system:serviceaccounts',
                `system:serviceaccounts:${ns(account)}`,
                'system:authenticated',
              ],
              resourceAttributes: {
                namespace,
                verb: 'get',
                resource: 'secrets',
                name: REGISTRY_PULL_SECRET,
              },
            },
          },
        })
      ).status?.allowed === true;
    // Its own is readable (the namespace role): the check can tell.
    expect(await may(bob, ns(bob))).toBe(true);
    expect(await may(bob, ns(alice))).toBe(false);
    expect(await may(alice, ns(bob))).toBe(false);
  });

  it('rewrites the secret when the password changes, and removes it when the config drops it', async () => {
    const before = await core.readNamespacedSecret({
      name: REGISTRY_PULL_SECRET,
      namespace: ns(alice),
    });
    const rotated = await reconcile(configWith(registry(`${PASSWORD}-2`)));
    expect(
      rotated.actions.map(a => `${a.action} ${a.kind} ${a.name}`).sort(),
    ).toEqual(
      names.map(n => `updated Secret ${ns(n)}/${REGISTRY_PULL_SECRET}`).sort(),
    );
    const after = await core.readNamespacedSecret({
      name: REGISTRY_PULL_SECRET,
      namespace: ns(alice),
    });
    expect(after.metadata?.annotations?.[REGISTRY_CREDENTIALS_HASH]).not.toBe(
      before.metadata?.annotations?.[REGISTRY_CREDENTIALS_HASH],
    );
    expect((await pullAuth(ns(alice))).password).toBe(`${PASSWORD}-2`);

    await reconcile(configWith());
    for (const name of names) {
      await expect(
        core.readNamespacedSecret({
          name: REGISTRY_PULL_SECRET,
          namespace: ns(name),
        }),
      ).rejects.toMatchObject({ code: 404 });
      for (const account of ['default', 'knot']) {
        const sa = await core.readNamespacedServiceAccount({
          name: account,
          namespace: ns(name),
        });
        expect(sa.imagePullSecrets ?? []).toEqual([]);
      }
    }
    expect((await reconcile(configWith())).actions).toEqual([]);
    expect(JSON.stringify(logger.info.mock.calls)).not.toContain(PASSWORD);
  });
});

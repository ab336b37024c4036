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
  testKubeconfig,
} from '@knot-platform/knot-test-utils';
import { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import { loadClientNode } from '../kubernetes/loadClientNode';
import { KubeObjects } from './KubeObjects';
import type { ProvisioningTarget } from './ProfileSource';
import { readProvisioningConfig } from './config';
import { ProvisioningReconciler } from './ProvisioningReconciler';

jest.setTimeout(120_000);

async function statusCode(call: () => Promise<unknown>): Promise<number> {
  try {
    await call();
    return 200;
  } catch (error) {
    return (error as { code?: number }).code ?? -1;
  }
}

describeWithCluster('ProvisioningReconciler against the real cluster', () => {
  const run = Math.random().toString(36).slice(2, 7);
  const alice = `alice-${run}`;
  const bob = `bob-${run}`;
  // A prefix of our own: the orphan sweep only ever looks at this run's namespaces.
  const prefix = `kt${run}-`;
  const aliceNs = `${prefix}${alice}`;
  const bobNs = `${prefix}${bob}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-prov-'));
  const privateDir = path.join(dir, 'private');
  let profiles: ProvisioningTarget[] = [
    { name: alice, isTeam: false, active: true },
    { name: bob, isTeam: false, active: true },
  ];
  const config = readProvisioningConfig(
    new ConfigReader({
      knot: {
        namespacePrefix: prefix,
        storage: { privateDir, sharedDir: path.join(dir, 'shared') },
      },
    }),
  );
  const clients = new KubernetesClientFactory(testKubeconfig());
  const reconciler = new ProvisioningReconciler({
    kube: new KubeObjects(clients),
    source: { listProfiles: async () => profiles },
    config,
    logger: mockServices.logger.mock(),
  });
  let core: k8s.CoreV1Api;
  let rbac: k8s.RbacAuthorizationV1Api;

  beforeAll(async () => {
    core = await clients.makeClient(lib => lib.CoreV1Api);
    rbac = await clients.makeClient(lib => lib.RbacAuthorizationV1Api);
  });

  afterAll(async () => {
    await removeProvisionedProfiles([alice, bob], prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A CoreV1Api acting with a fresh token of alice's `knot` ServiceAccount. */
  async function aliceClient(): Promise<k8s.CoreV1Api> {
    const token = await core.createNamespacedServiceAccountToken({
      namespace: aliceNs,
      name: 'knot',
      body: { spec: { audiences: [], expirationSeconds: 600 } },
    });
    const cluster = (await clients.kubeConfig()).getCurrentCluster()!;
    const lib = loadClientNode();
    const kc = new lib.KubeConfig();
    kc.loadFromOptions({
      clusters: [cluster],
      users: [{ name: 'alice', token: token.status!.token }],
      contexts: [{ name: 'alice', cluster: cluster.name, user: 'alice' }],
      currentContext: 'alice',
    });
    return kc.makeApiClient(lib.CoreV1Api);
  }

  const bound = (namespace: string, name: string) =>
    eventually(`${namespace}/${name} Bound`, async () => {
      const pvc = await core.readNamespacedPersistentVolumeClaim({
        namespace,
        name,
      });
      return pvc.status?.phase === 'Bound' ? pvc : undefined;
    });

  it('activating alice creates her namespace, RBAC, bound volumes and folder', async () => {
    const report = await reconciler.reconcileAll();
    const created = report.actions
      .filter(a => a.profile === alice)
      .map(a => `${a.action} ${a.kind} ${a.name}`)
      .sort();
    expect(created).toEqual(
      [
        `created Folder ${path.join(privateDir, alice)}`,
        `created Namespace ${aliceNs}`,
        `created PersistentVolume ${prefix}private-${alice}`,
        `created PersistentVolume ${prefix}shared-${alice}`,
        `created PersistentVolumeClaim ${aliceNs}/knot-private`,
        `created PersistentVolumeClaim ${aliceNs}/knot-shared`,
        `created RoleBinding ${aliceNs}/knot`,
        `created ServiceAccount ${aliceNs}/knot`,
      ].sort(),
    );
    expect(report.actions.filter(a => a.action === 'failed')).toEqual([]);

    const ns = await core.readNamespace({ name: aliceNs });
    expect(ns.metadata?.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'knot',
      'knot/owner': alice,
      knot: 'enabled',
    });
    const binding = await rbac.readNamespacedRoleBinding({
      namespace: aliceNs,
      name: 'knot',
    });
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'admin',
    });
    expect(binding.subjects?.map(s => s.name)).toEqual(['default', 'knot']);

    const privateClaim = await bound(aliceNs, 'knot-private');
    expect(privateClaim.spec?.volumeName).toBe(`${prefix}private-${alice}`);
    expect((await bound(aliceNs, 'knot-shared')).spec?.volumeName).toBe(
      `${prefix}shared-${alice}`,
    );
    const pv = await core.readPersistentVolume({
      name: `${prefix}private-${alice}`,
    });
    expect(pv.spec?.hostPath?.path).toBe(path.join(privateDir, alice));
    expect(pv.spec?.accessModes).toEqual(['ReadWriteMany']);
    expect(pv.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('knot');

    const folder = fs.statSync(path.join(privateDir, alice));
    expect(folder.isDirectory()).toBe(true);
    expect(folder.mode & 0o777).toBe(0o700);
  });

  it('a second reconcile changes nothing', async () => {
    await bound(bobNs, 'knot-private');
    await bound(bobNs, 'knot-shared');
    const report = await reconciler.reconcileAll();
    expect(report.actions).toEqual([]);
    expect(report.profiles).toBe(2);
  });

  it("alice's ServiceAccount token works in her namespace only", async () => {
    const asAlice = await aliceClient();

    const pod = await asAlice.createNamespacedPod({
      namespace: aliceNs,
      body: {
        metadata: { name: 'probe' },
        spec: { containers: [{ name: 'c', image: 'busybox' }] },
      },
    });
    expect(pod.metadata?.namespace).toBe(aliceNs);
    expect(
      await statusCode(() => asAlice.listNamespacedPod({ namespace: aliceNs })),
    ).toBe(200);
    expect(
      await statusCode(() => asAlice.listNamespacedPod({ namespace: bobNs })),
    ).toBe(403);
    expect(
      await statusCode(() =>
        asAlice.listNamespacedSecret({ namespace: bobNs }),
      ),
    ).toBe(403);
    expect(
      await statusCode(() =>
        asAlice.readNamespacedSecret({ namespace: bobNs, name: 'any' }),
      ),
    ).toBe(403);
    await core.deleteNamespacedPod({
      namespace: aliceNs,
      name: 'probe',
      gracePeriodSeconds: 0,
    });
  });

  it('repairs a PVC and a RoleBinding deleted by hand', async () => {
    const before = await core.readNamespacedPersistentVolumeClaim({
      namespace: aliceNs,
      name: 'knot-private',
    });
    await core.deleteNamespacedPersistentVolumeClaim({
      namespace: aliceNs,
      name: 'knot-private',
    });
    await rbac.deleteNamespacedRoleBinding({
      namespace: aliceNs,
      name: 'knot',
    });
    await eventually('the PVC gone', async () =>
      (await statusCode(() =>
        core.readNamespacedPersistentVolumeClaim({
          namespace: aliceNs,
          name: 'knot-private',
        }),
      )) === 404
        ? true
        : undefined,
    );

    const report = await reconciler.reconcileProfile(alice);
    const changes = report.actions.map(a => `${a.action} ${a.kind} ${a.name}`);
    expect(changes).toEqual(
      expect.arrayContaining([
        `created PersistentVolumeClaim ${aliceNs}/knot-private`,
        `created RoleBinding ${aliceNs}/knot`,
      ]),
    );
    expect(report.actions.filter(a => a.action === 'failed')).toEqual([]);
    const after = await bound(aliceNs, 'knot-private');
    expect(after.metadata?.uid).not.toBe(before.metadata?.uid);
    expect(after.spec?.volumeName).toBe(`${prefix}private-${alice}`);
    await rbac.readNamespacedRoleBinding({ namespace: aliceNs, name: 'knot' });

    expect((await reconciler.reconcileProfile(alice)).actions).toEqual([]);
  });

  it("removing bob deletes his namespace and volumes, alice's data stays", async () => {
    fs.writeFileSync(path.join(privateDir, alice, 'notes.txt'), 'mine');
    fs.writeFileSync(path.join(privateDir, bob, 'notes.txt'), 'his');
    profiles = profiles.filter(p => p.name !== bob);

    const report = await reconciler.reconcileAll();
    expect(
      report.actions.map(a => `${a.action} ${a.kind} ${a.name}`).sort(),
    ).toEqual(
      [
        `deleted Namespace ${bobNs}`,
        `deleted PersistentVolume ${prefix}private-${bob}`,
        `deleted PersistentVolume ${prefix}shared-${bob}`,
        `kept Folder ${path.join(privateDir, bob)}`,
      ].sort(),
    );
    await Promise.all(
      [`${prefix}private-${bob}`, `${prefix}shared-${bob}`].map(name =>
        eventually(`PV ${name} gone`, async () =>
          (await statusCode(() => core.readPersistentVolume({ name }))) === 404
            ? true
            : undefined,
        ),
      ),
    );
    await eventually(
      `namespace ${bobNs} gone`,
      async () =>
        (await statusCode(() => core.readNamespace({ name: bobNs }))) === 404
          ? true
          : undefined,
      100_000,
    );

    expect(
      fs.readFileSync(path.join(privateDir, alice, 'notes.txt'), 'utf8'),
    ).toBe('mine');
    // Folders are kept by default (knot.storage.deleteFoldersOnRemoval).
    expect(fs.existsSync(path.join(privateDir, bob, 'notes.txt'))).toBe(true);
    expect((await bound(aliceNs, 'knot-private')).status?.phase).toBe('Bound');
    expect((await core.readNamespace({ name: aliceNs })).status?.phase).toBe(
      'Active',
    );
    expect((await reconciler.reconcileAll()).actions).toEqual([]);
  });

  it('deactivating alice stops her workloads and rights, reactivating restores them', async () => {
    const probe = {
      metadata: { name: 'worker' },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    };
    await core.createNamespacedPod({ namespace: aliceNs, body: probe });
    profiles = profiles.map(p =>
      p.name === alice ? { ...p, active: false } : p,
    );

    const off = await reconciler.reconcileProfile(alice);
    expect(
      off.actions.map(a => `${a.action} ${a.kind} ${a.name}`).sort(),
    ).toEqual(
      [
        `created ResourceQuota ${aliceNs}/knot-quota`,
        `deleted Pod ${aliceNs}/worker`,
        `deleted RoleBinding ${aliceNs}/knot`,
      ].sort(),
    );
    const asAlice = await aliceClient();
    expect(
      await statusCode(() => asAlice.listNamespacedPod({ namespace: aliceNs })),
    ).toBe(403);
    // Even an admin cannot start pods there now: the quota allows none.
    expect(
      await statusCode(() =>
        core.createNamespacedPod({
          namespace: aliceNs,
          body: { ...probe, metadata: { name: 'again' } },
        }),
      ),
    ).toBe(403);
    expect((await bound(aliceNs, 'knot-private')).status?.phase).toBe('Bound');

    profiles = profiles.map(p =>
      p.name === alice ? { ...p, active: true } : p,
    );
    const on = await reconciler.reconcileProfile(alice);
    expect(
      on.actions.map(a => `${a.action} ${a.kind} ${a.name}`).sort(),
    ).toEqual(
      [
        `created RoleBinding ${aliceNs}/knot`,
        `deleted ResourceQuota ${aliceNs}/knot-quota`,
      ].sort(),
    );
    expect(
      await statusCode(() => asAlice.listNamespacedPod({ namespace: aliceNs })),
    ).toBe(200);
  });
});

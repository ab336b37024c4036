import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  createTestDatabases,
  describeWithCluster,
  eventually,
  removeProvisionedProfiles,
  startKnotTestBackend,
  testKubeClient,
  testKubeconfig,
} from '@knot-platform/knot-test-utils';
import request from 'supertest';
import { UserStore } from './identity/UserStore';

jest.setTimeout(240_000);

const databases = createTestDatabases();

/** The status code of a failed Kubernetes call, or 200. */
async function statusCode(call: () => Promise<unknown>): Promise<number> {
  try {
    await call();
    return 200;
  } catch (error) {
    return (error as { code?: number }).code ?? 500;
  }
}

/** Polls `check` until it returns a value, or fails after `ms`. */

/**
 * Deactivation suspends, deletion removes: through the real plugin (the
 * admin routes, the user store, provisioning's reaction to its changes),
 * against the real cluster.
 */
describeWithCluster(
  'deactivation suspends a profile, deletion removes it',
  () => {
    const run = Math.random().toString(36).slice(2, 7);
    const admin = `adm-${run}`;
    const alice = `alice-${run}`;
    const bob = `bob-${run}`;
    const prefix = `kd${run}-`;
    const aliceNs = `${prefix}${alice}`;
    const bobNs = `${prefix}${bob}`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-deactivation-'));
    const core = testKubeClient(lib => lib.CoreV1Api);
    const apps = testKubeClient(lib => lib.AppsV1Api);
    const rbac = testKubeClient(lib => lib.RbacAuthorizationV1Api);
    let server: Parameters<typeof request>[0];
    let store: UserStore;
    const asAdmin = mockCredentials.user.header(`user:default/${admin}`);

    const setActive = (name: string, active: boolean) =>
      request(server)
        .patch(`/api/knot/users/${name}`)
        .set('Authorization', asAdmin)
        .send({ active });

    async function phase(name: string): Promise<string> {
      try {
        return (await core.readNamespace({ name })).status?.phase ?? 'unknown';
      } catch (error) {
        if ((error as { code?: number }).code === 404) return 'absent';
        throw error;
      }
    }

    /** Lets bob's namespace finish terminating. */
    async function releaseHold() {
      const hold = await core.readNamespacedConfigMap({
        namespace: bobNs,
        name: 'hold',
      });
      hold.metadata!.finalizers = [];
      await core.replaceNamespacedConfigMap({
        namespace: bobNs,
        name: 'hold',
        body: hold,
      });
    }

    const replicas = async () =>
      (
        await apps.readNamespacedDeployment({
          namespace: aliceNs,
          name: 'hello',
        })
      ).spec?.replicas;

    beforeAll(async () => {
      process.env.KNOT_TEST_DEACTIVATION_ADMIN_PASSWORD = 'admin password';
      const knex = await databases.init('SQLITE_3');
      ({ server } = await startKnotTestBackend({
        knex,
        config: {
          knot: {
            namespacePrefix: prefix,
            kubernetes: { kubeconfig: testKubeconfig()! },
            identity: {
              admin: {
                username: admin,
                passwordEnv: 'KNOT_TEST_DEACTIVATION_ADMIN_PASSWORD',
              },
            },
            storage: {
              privateDir: path.join(dir, 'private'),
              sharedDir: path.join(dir, 'shared'),
            },
            // Other suites share the cluster: never sweep their namespaces.
            provisioning: { removeOrphans: false },
          },
        },
      }));
      store = new UserStore(knex);
    });

    afterAll(async () => {
      await releaseHold().catch(() => {});
      await removeProvisionedProfiles([admin, alice, bob], prefix);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('keeps namespace, releases, volumes and data, scaled to zero; reactivation scales back', async () => {
      await store.signUp({ username: alice, password: 'alice password' });
      expect((await setActive(alice, true)).status).toBe(200);
      await eventually('alice provisioned', async () =>
        (await phase(aliceNs)) === 'Active' &&
        (await statusCode(() =>
          rbac.readNamespacedRoleBinding({ namespace: aliceNs, name: 'knot' }),
        )) === 200
          ? true
          : undefined,
      );
      // What alice has: a service (a Deployment of 2), its helm release record
      // and a file in her private folder.
      await apps.createNamespacedDeployment({
        namespace: aliceNs,
        body: {
          metadata: { name: 'hello' },
          spec: {
            replicas: 2,
            selector: { matchLabels: { app: 'hello' } },
            template: {
              metadata: { labels: { app: 'hello' } },
              spec: { containers: [{ name: 'c', image: 'busybox' }] },
            },
          },
        },
      });
      await core.createNamespacedSecret({
        namespace: aliceNs,
        body: {
          metadata: {
            name: 'sh.helm.release.v1.hello.v1',
            labels: { owner: 'helm', name: 'hello' },
          },
          type: 'helm.sh/release.v1',
          stringData: { release: 'record' },
        },
      });
      fs.writeFileSync(path.join(dir, 'private', alice, 'notes.txt'), 'mine');

      expect((await setActive(alice, false)).status).toBe(200);
      expect(
        await eventually('hello scaled to 0', async () =>
          (await replicas()) === 0 ? 0 : undefined,
        ),
      ).toBe(0);
      // Suspended, not destroyed.
      expect(await phase(aliceNs)).toBe('Active');
      for (const claim of ['knot-private', 'knot-shared']) {
        const pvc = await core.readNamespacedPersistentVolumeClaim({
          namespace: aliceNs,
          name: claim,
        });
        expect(pvc.metadata?.deletionTimestamp).toBeUndefined();
      }
      for (const pv of [
        `${prefix}private-${alice}`,
        `${prefix}shared-${alice}`,
      ]) {
        expect(
          (await core.readPersistentVolume({ name: pv })).metadata
            ?.deletionTimestamp,
        ).toBeUndefined();
      }
      expect(
        await statusCode(() =>
          core.readNamespacedSecret({
            namespace: aliceNs,
            name: 'sh.helm.release.v1.hello.v1',
          }),
        ),
      ).toBe(200);
      expect(
        fs.readFileSync(path.join(dir, 'private', alice, 'notes.txt'), 'utf8'),
      ).toBe('mine');
      // And inaccessible: no rights for its service accounts, no pods at all.
      expect(
        await statusCode(() =>
          rbac.readNamespacedRoleBinding({ namespace: aliceNs, name: 'knot' }),
        ),
      ).toBe(404);
      const quota = await core.readNamespacedResourceQuota({
        namespace: aliceNs,
        name: 'knot-quota',
      });
      expect(quota.spec?.hard?.pods).toBe('0');

      // Reactivation gives everything back, without a manual reconcile.
      expect((await setActive(alice, true)).status).toBe(200);
      expect(
        await eventually('hello scaled back to 2', async () =>
          (await replicas()) === 2 ? 2 : undefined,
        ),
      ).toBe(2);
      await eventually('alice rights back', async () =>
        (await statusCode(() =>
          rbac.readNamespacedRoleBinding({ namespace: aliceNs, name: 'knot' }),
        )) === 200
          ? true
          : undefined,
      );
      const deployment = await apps.readNamespacedDeployment({
        namespace: aliceNs,
        name: 'hello',
      });
      expect(deployment.metadata?.labels?.['knot/suspended']).toBeUndefined();
      expect(
        deployment.metadata?.annotations?.['knot/suspended-replicas'],
      ).toBeUndefined();

      // Deletion stays the one destructive action.
      const deleted = await request(server)
        .delete(`/api/knot/users/${alice}`)
        .set('Authorization', asAdmin);
      expect(deleted.status).toBe(204);
      expect(
        await eventually('alice namespace removed', async () => {
          const seen = await phase(aliceNs);
          return ['Terminating', 'absent'].includes(seen) ? seen : undefined;
        }),
      ).toMatch(/^(Terminating|absent)$/);
    });

    it('converges without a manual reconcile when approved while the namespace still terminates', async () => {
      await store.signUp({ username: bob, password: 'bob password' });
      expect((await setActive(bob, true)).status).toBe(200);
      await eventually('bob provisioned', async () =>
        (await phase(bobNs)) === 'Active' ? true : undefined,
      );
      // Something in the namespace holds its deletion back for a while.
      await core.createNamespacedConfigMap({
        namespace: bobNs,
        body: { metadata: { name: 'hold', finalizers: ['knot.test/hold'] } },
      });
      const deleted = await request(server)
        .delete(`/api/knot/users/${bob}`)
        .set('Authorization', asAdmin);
      expect(deleted.status).toBe(204);
      await eventually('bob namespace terminating', async () =>
        (await phase(bobNs)) === 'Terminating' ? true : undefined,
      );

      // bob signs up again and is approved while the namespace terminates.
      await store.signUp({ username: bob, password: 'bob password' });
      expect((await setActive(bob, true)).status).toBe(200);
      await new Promise(r => setTimeout(r, 1_000));
      expect(await phase(bobNs)).toBe('Terminating');
      await releaseHold();

      // Nobody reconciles by hand: the namespace comes back with its volumes.
      await eventually(
        'bob provisioned again',
        async () =>
          (await phase(bobNs)) === 'Active' &&
          (await statusCode(() =>
            core.readNamespacedPersistentVolumeClaim({
              namespace: bobNs,
              name: 'knot-private',
            }),
          )) === 200 &&
          (await statusCode(() =>
            rbac.readNamespacedRoleBinding({ namespace: bobNs, name: 'knot' }),
          )) === 200
            ? true
            : undefined,
        90_000,
      );
    });
  },
);

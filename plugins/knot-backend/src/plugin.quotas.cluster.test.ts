import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  createTestDatabases,
  describeWithCluster,
  eventually,
  removeProvisionedProfiles,
  seedKnotUsers,
  startKnotTestBackend,
  testKubeClient,
  testKubeconfig,
} from '@knot-platform/knot-test-utils';
import type { ProfileQuota } from '@knot-platform/plugin-knot-common';
import request from 'supertest';

jest.setTimeout(180_000);

const databases = createTestDatabases();

/**
 * Issue 17's quotas through the real plugin and the real API server: an
 * admin's override reaches the namespace's ResourceQuota in the reconcile
 * it triggers, the owner reads used / limit, another user can neither read
 * nor change it, and the private folder's override holds uploads.
 */
describeWithCluster(
  'quotas: admin overrides, usage, and who may see them',
  () => {
    const run = Math.random().toString(36).slice(2, 7);
    const alice = `alice-${run}`;
    const bob = `bob-${run}`;
    const dana = `dana-${run}`;
    const prefix = `kq${run}-`;
    const aliceNs = `${prefix}${alice}`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-quotas-'));
    const core = testKubeClient(lib => lib.CoreV1Api);
    let server: Parameters<typeof request>[0];
    const as = (user: string) =>
      mockCredentials.user.header(`user:default/${user}`);

    const hard = async () =>
      (
        await core.readNamespacedResourceQuota({
          namespace: aliceNs,
          name: 'knot-quota',
        })
      ).spec?.hard ?? {};

    beforeAll(async () => {
      const knex = await databases.init('SQLITE_3');
      ({ server } = await startKnotTestBackend({
        knex,
        config: {
          knot: {
            namespacePrefix: prefix,
            kubernetes: { kubeconfig: testKubeconfig()! },
            storage: {
              privateDir: path.join(dir, 'private'),
              sharedDir: path.join(dir, 'shared'),
              privateQuotaMiB: 100,
            },
            provisioning: {
              removeOrphans: false,
              quota: { pods: '10' },
              extendedResources: ['nvidia.com/gpu'],
            },
          },
        },
      }));
      await seedKnotUsers(knex, { users: [alice, bob], admins: [dana] });
    });

    afterAll(async () => {
      await removeProvisionedProfiles([alice], prefix);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('applies the override at once, shows used / limit, refuses bob', async () => {
      // Admin sets alice's CPU (and GPU, and folder) limit: the reconcile it
      // triggers writes them into alice's ResourceQuota before the answer.
      const set = await request(server)
        .put(`/api/knot/admin/quotas/${alice}`)
        .set('Authorization', as(dana))
        .send({
          quota: {
            'requests.cpu': '2',
            'requests.nvidia.com/gpu': '1',
            privateStorage: '1Ki',
          },
        });
      expect([set.status, set.body.error?.message]).toEqual([200, undefined]);
      expect(
        set.body.reconcile.actions.filter(
          (a: { action: string }) => a.action === 'failed',
        ),
      ).toEqual([]);
      expect(await hard()).toEqual({
        pods: '10',
        'requests.cpu': '2',
        'requests.nvidia.com/gpu': '1',
      });

      // Something of alice's runs: the quota counts its request.
      await core.createNamespacedPod({
        namespace: aliceNs,
        body: {
          metadata: { name: 'work' },
          spec: {
            containers: [
              {
                name: 'c',
                image: 'busybox',
                command: ['sleep', '3600'],
                resources: { requests: { cpu: '500m' } },
              },
            ],
          },
        },
      });
      const quota = await eventually(
        'the pod counted in alice’s quota',
        async () => {
          const res = await request(server)
            .get('/api/knot/quota')
            .set('Authorization', as(alice));
          expect(res.status).toBe(200);
          const body = res.body as ProfileQuota;
          const cpu = body.resources.find(r => r.resource === 'requests.cpu');
          return cpu?.used === '500m' ? body : undefined;
        },
      );
      expect(quota.profile).toBe(alice);
      expect(quota.resources).toEqual([
        {
          resource: 'requests.cpu',
          used: '500m',
          limit: '2',
          source: 'override',
        },
        { resource: 'pods', used: '1', limit: '10', source: 'default' },
        {
          resource: 'requests.nvidia.com/gpu',
          used: '0',
          limit: '1',
          source: 'override',
        },
        {
          resource: 'privateStorage',
          used: '0',
          limit: '1Ki',
          source: 'override',
        },
      ]);

      // Bob can neither read nor change alice's quota.
      const attempts = [
        request(server)
          .get('/api/knot/admin/quotas')
          .set('Authorization', as(bob)),
        request(server)
          .put(`/api/knot/admin/quotas/${alice}`)
          .set('Authorization', as(bob))
          .send({ quota: { 'requests.cpu': '64' } }),
        request(server)
          .delete(`/api/knot/admin/quotas/${alice}`)
          .set('Authorization', as(bob)),
        request(server)
          .get('/api/knot/quota')
          .set('Authorization', as(bob))
          .set('x-knot-profile', alice),
      ];
      for (const attempt of attempts) {
        expect((await attempt).status).toBe(403);
      }
      expect((await hard())['requests.cpu']).toBe('2');

      // The admin sees it among every profile's.
      const all = await request(server)
        .get('/api/knot/admin/quotas')
        .set('Authorization', as(dana));
      expect(all.status).toBe(200);
      expect(
        all.body.items.find((q: ProfileQuota) => q.profile === alice).overrides,
      ).toEqual({
        'requests.cpu': '2',
        'requests.nvidia.com/gpu': '1',
        privateStorage: '1Ki',
      });

      // The folder's override (1 KiB, not the config's 100 MiB) holds uploads.
      const upload = await request(server)
        .put('/api/knot/files/private/file?path=big.bin')
        .set('Authorization', as(alice))
        .set('content-type', 'application/octet-stream')
        .send(Buffer.alloc(2048));
      expect(upload.status).toBe(413);
      expect(upload.body.error.message).toMatch(/storage quota/);

      // A bad quantity is refused in words and changes nothing.
      const bad = await request(server)
        .put(`/api/knot/admin/quotas/${alice}`)
        .set('Authorization', as(dana))
        .send({ quota: { 'requests.cpu': 'lots' } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(
        /'lots' is not a quantity for requests.cpu/,
      );
      expect((await hard())['requests.cpu']).toBe('2');

      // Cleared: the namespace is back to the default, the limit gone.
      await core.deleteNamespacedPod({
        namespace: aliceNs,
        name: 'work',
        gracePeriodSeconds: 0,
      });
      const cleared = await request(server)
        .delete(`/api/knot/admin/quotas/${alice}`)
        .set('Authorization', as(dana));
      expect(cleared.status).toBe(200);
      expect(await hard()).toEqual({ pods: '10' });
      const small = await request(server)
        .put('/api/knot/files/private/file?path=small.bin')
        .set('Authorization', as(alice))
        .set('content-type', 'application/octet-stream')
        .send(Buffer.alloc(2048));
      expect(small.status).toBe(200);
    });
  },
);

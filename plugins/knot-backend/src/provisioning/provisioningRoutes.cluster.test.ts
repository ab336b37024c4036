import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  describeWithCluster,
  removeProvisionedProfiles,
  startKnotTestBackend,
  testKubeconfig,
} from '@knot-platform/knot-test-utils';
import request from 'supertest';

jest.setTimeout(60_000);

describeWithCluster(
  'provisioning admin routes against the real cluster',
  () => {
    const run = Math.random().toString(36).slice(2, 7);
    const carol = `carol-${run}`;
    const prefix = `kr${run}-`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-prov-routes-'));

    afterAll(async () => {
      await removeProvisionedProfiles([carol], prefix);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('reconciles on demand and reports each profile', async () => {
      const { server } = await startKnotTestBackend({
        config: {
          knot: {
            namespacePrefix: prefix,
            kubernetes: { kubeconfig: testKubeconfig()! },
            identity: { admins: ['mock'] },
            storage: {
              privateDir: path.join(dir, 'private'),
              sharedDir: path.join(dir, 'shared'),
            },
            provisioning: {
              profiles: [{ name: carol, quota: { pods: '7' } }],
            },
          },
        },
      });
      const auth = mockCredentials.user.header();
      const first = await request(server)
        .post('/api/knot/provisioning/reconcile')
        .set('Authorization', auth)
        .send({ profile: carol });
      expect(first.status).toBe(200);
      expect(first.body.actions).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            action: 'created',
            kind: 'Namespace',
            name: `${prefix}${carol}`,
          }),
          expect.objectContaining({
            action: 'created',
            kind: 'ResourceQuota',
            name: `${prefix}${carol}/knot-quota`,
          }),
        ]),
      );

      const status = await request(server)
        .get('/api/knot/provisioning/profiles')
        .set('Authorization', auth);
      expect(status.status).toBe(200);
      expect(status.body.items).toEqual([
        expect.objectContaining({
          name: carol,
          active: true,
          namespace: `${prefix}${carol}`,
          namespacePhase: 'Active',
          quota: expect.objectContaining({
            hard: expect.objectContaining({ pods: '7' }),
          }),
        }),
      ]);
    });
  },
);

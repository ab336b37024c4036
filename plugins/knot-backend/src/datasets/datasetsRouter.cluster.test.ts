import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import type * as k8s from '@kubernetes/client-node';
import {
  createTestBucket,
  createTestDatabases,
  describeWithClusterAndS3,
  freePort,
  loadClientNode,
  removeProvisionedProfiles,
  seedKnotUsers,
  startKnotTestBackend,
  testKubeClient,
  testKubeconfig,
  testS3Server,
} from '@knot-platform/knot-test-utils';
import { PROFILE_HEADER } from '@knot-platform/plugin-knot-common';
import request from 'supertest';
import { KNOT_SERVICE_ACCOUNT } from '../provisioning/manifests';
import { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import { DATASET_LABEL, datasetSecretName } from './DatashimDatasets';
import { SharedDatasets } from './SharedDatasets';

jest.setTimeout(240_000);

const databases = createTestDatabases();
const GROUP = 'datashim.io';

/** The status code of a failed Kubernetes call, or 200. */
async function statusCode(call: () => Promise<unknown>): Promise<number> {
  try {
    await call();
    return 200;
  } catch (error) {
    return (error as { code?: number }).code ?? 500;
  }
}

/**
 * The datasets API through the real plugin, against the real cluster (with
 * Datashim's CRDs) and the real S3 server of the test run: "Test
 * connection", create, list, delete, for a user and a team, and what
 * another user may not do, through Knot and with his namespace's token.
 */
describeWithClusterAndS3('datasets API', () => {
  const run = Math.random().toString(36).slice(2, 7);
  const bucket = `knot-ds-${run}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-datasets-'));
  const core = testKubeClient(lib => lib.CoreV1Api);
  const custom = testKubeClient(lib => lib.CustomObjectsApi);
  let removeBucket: (() => Promise<void>) | undefined;
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    removeBucket = (
      await createTestBucket(testS3Server()!, bucket, {
        'hello.txt': 'hello',
        'folder/a.txt': 'a',
      })
    ).remove;
  });
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
    await removeBucket?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(databases.eachSupportedId())(
    'creates, lists and deletes datasets of users and teams, never leaking keys, on %p',
    async databaseId => {
      const s3 = testS3Server()!;
      const tag = `${run}${databaseId.startsWith('POSTGRES') ? 'p' : 's'}`;
      const prefix = `kds${tag}-`;
      const alice = `alice-${tag}`;
      const bob = `bob-${tag}`;
      const team = `team-${tag}`;
      const admin = `adm-${tag}`;
      const aliceNs = `${prefix}${alice}`;
      const teamNs = `${prefix}${team}`;
      const knex = await databases.init(databaseId);
      const backend = await startKnotTestBackend({
        knex,
        config: {
          knot: {
            namespacePrefix: prefix,
            kubernetes: { kubeconfig: testKubeconfig()! },
            storage: {
              privateDir: path.join(dir, tag, 'private'),
              sharedDir: path.join(dir, tag, 'shared'),
            },
            provisioning: { removeOrphans: false },
            datasets: {
              connectTimeoutMs: 3000,
              // The test's S3 server is on loopback.
              allowedEndpoints: ['127.0.0.1'],
              // An admin's dataset for everyone: provisioning makes it.
              shared: [
                {
                  name: 'common',
                  endpoint: s3.endpoint,
                  bucket,
                  prefix: 'folder',
                  accessKey: s3.accessKey,
                  secretKey: s3.secretKey,
                },
              ],
            },
          },
        },
      });
      cleanups.push(async () => {
        await backend.stop();
        await removeProvisionedProfiles([alice, bob, team, admin], prefix);
      });
      await seedKnotUsers(knex, {
        users: [alice, bob],
        admins: [admin],
        teams: { [team]: [alice] },
      });
      const server = backend.server;
      const as = (user: string) =>
        mockCredentials.user.header(`user:default/${user}`);
      for (const profile of [alice, bob, team]) {
        const reconciled = await request(server)
          .post('/api/knot/provisioning/reconcile')
          .set('Authorization', as(admin))
          .send({ profile });
        expect(reconciled.status).toBe(200);
      }

      const dataset = {
        name: 'data',
        type: 's3',
        endpoint: s3.endpoint,
        bucket,
        accessKey: s3.accessKey,
        secretKey: s3.secretKey,
        readOnly: true,
      };
      const leaks = (body: unknown) =>
        JSON.stringify(body).includes(s3.secretKey);

      // The page's first view: Datashim is there, and the admin's shared
      // dataset, read-only, in every profile (teams too).
      for (const [user, profile] of [
        [alice, alice],
        [bob, bob],
        [alice, team],
      ]) {
        const first = await request(server)
          .get('/api/knot/datasets')
          .set('Authorization', as(user))
          .set(PROFILE_HEADER, profile);
        expect(first.status).toBe(200);
        expect(first.body).toEqual({
          available: true,
          items: [
            expect.objectContaining({
              name: 'common',
              bucket,
              prefix: 'folder',
              shared: true,
              readOnly: true,
              mountPath: '/mnt/datasets/common',
            }),
          ],
        });
        expect(leaks(first.body)).toBe(false);
      }

      // Test connection: right keys, wrong secret, wrong access key,
      // missing bucket, nobody listening, a folder.
      const test = (body: object, user = alice) =>
        request(server)
          .post('/api/knot/datasets/test')
          .set('Authorization', as(user))
          .send(body);
      const ok = await test(dataset);
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({
        ok: true,
        objectCount: 2,
        truncated: false,
      });
      expect(ok.body.message).toMatch(/2 objects/);
      const folder = await test({ ...dataset, prefix: 'folder' });
      expect(folder.body).toMatchObject({ ok: true, objectCount: 1 });
      const wrongSecret = await test({ ...dataset, secretKey: 'nope-nope' });
      expect(wrongSecret.status).toBe(400);
      expect(wrongSecret.body.error.message).toMatch(/^Access denied/);
      const wrongAccess = await test({ ...dataset, accessKey: 'nobody' });
      expect(wrongAccess.status).toBe(400);
      expect(wrongAccess.body.error.message).toMatch(/^Access denied/);
      const noBucket = await test({ ...dataset, bucket: `missing-${run}` });
      expect(noBucket.status).toBe(400);
      expect(noBucket.body.error.message).toMatch(/^No such bucket/);
      const closed = await test({
        ...dataset,
        endpoint: `http://127.0.0.1:${await freePort()}`,
      });
      expect(closed.status).toBe(400);
      expect(closed.body.error.message).toMatch(/^Unreachable/);
      // HTTPS to a plain-HTTP server: the TLS handshake fails.
      const tls = await test({
        ...dataset,
        endpoint: s3.endpoint.replace(/^http:/, 'https:'),
      });
      expect(tls.status).toBe(400);
      expect(tls.body.error.message).toMatch(/^TLS failed/);
      for (const answer of [ok, wrongSecret, wrongAccess, noBucket]) {
        expect(leaks(answer.body)).toBe(false);
      }

      // Bad input: a 4xx with a message, and nothing created.
      const bad: Array<[object, RegExp]> = [
        [{ ...dataset, name: 'Bad_Name' }, /Invalid dataset name/],
        [{ ...dataset, name: 'x'.repeat(64) }, /longer than 63/],
        [{ ...dataset, type: 'nfs' }, /Unknown dataset type/],
        [{ ...dataset, bucket: 'b'.repeat(64) }, /longer than 63/],
        [{ ...dataset, prefix: 'p'.repeat(1025) }, /longer than 1024/],
        [{ ...dataset, secretKey: '' }, /secretKey is required/],
        [{ ...dataset, extra: 1 }, /Unknown dataset fields: extra/],
        [{ ...dataset, endpoint: 'file:///etc' }, /http/],
        [{ ...dataset, endpoint: 'http://k:s@127.0.0.1' }, /own fields/],
        [{ ...dataset, secretKey: 'wrong-secret' }, /^Access denied/],
        [{ ...dataset, bucket: `missing-${run}` }, /^No such bucket/],
        [
          { ...dataset, endpoint: `http://127.0.0.1:${await freePort()}` },
          /^Unreachable/,
        ],
      ];
      for (const [body, message] of bad) {
        const refused = await request(server)
          .post('/api/knot/datasets')
          .set('Authorization', as(alice))
          .send(body);
        expect({ body, status: refused.status }).toEqual({ body, status: 400 });
        expect(refused.body.error.message).toMatch(message);
      }
      const afterBad = await request(server)
        .get('/api/knot/datasets')
        .set('Authorization', as(alice));
      expect(afterBad.body.items.map((d: any) => d.name)).toEqual(['common']);
      const secretsAfterBad = await core.listNamespacedSecret({
        namespace: aliceNs,
        labelSelector: DATASET_LABEL,
      });
      expect(secretsAfterBad.items.map(i => i.metadata?.name)).toEqual([
        datasetSecretName('common'),
      ]);

      // Create: the answer and the Dataset never hold the keys.
      const created = await request(server)
        .post('/api/knot/datasets')
        .set('Authorization', as(alice))
        .send(dataset);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'data',
        type: 's3',
        endpoint: s3.endpoint,
        bucket,
        readOnly: true,
        shared: false,
        status: 'pending',
        mountPath: '/mnt/datasets/data',
      });
      expect(leaks(created.body)).toBe(false);
      expect(JSON.stringify(created.body)).not.toContain(s3.accessKey);
      const duplicate = await request(server)
        .post('/api/knot/datasets')
        .set('Authorization', as(alice))
        .send(dataset);
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.error.message).toMatch(/already exists/);

      const object: any = await custom.getNamespacedCustomObject({
        group: GROUP,
        version: 'v1alpha1',
        namespace: aliceNs,
        plural: 'datasets',
        name: 'data',
      });
      expect(object.spec.local).toEqual({
        type: 'COS',
        endpoint: s3.endpoint,
        bucket,
        region: '',
        readonly: 'true',
        'secret-name': datasetSecretName('data'),
      });
      expect(JSON.stringify(object)).not.toContain(s3.secretKey);
      expect(JSON.stringify(object)).not.toContain(s3.accessKey);
      const secret = await core.readNamespacedSecret({
        name: datasetSecretName('data'),
        namespace: aliceNs,
      });
      const decode = (v?: string) => Buffer.from(v ?? '', 'base64').toString();
      expect(decode(secret.data?.accessKeyID)).toBe(s3.accessKey);
      expect(decode(secret.data?.secretAccessKey)).toBe(s3.secretKey);

      const listed = await request(server)
        .get('/api/knot/datasets')
        .set('Authorization', as(alice));
      expect(listed.body.items.map((d: any) => d.name)).toEqual([
        'common',
        'data',
      ]);
      expect(listed.body.items[1].mountedBy).toEqual([]);
      expect(leaks(listed.body)).toBe(false);

      // A team: its member acting as it creates and sees it; bob cannot.
      const teamCreated = await request(server)
        .post('/api/knot/datasets')
        .set('Authorization', as(alice))
        .set(PROFILE_HEADER, team)
        .send({ ...dataset, name: 'team-data', prefix: 'folder' });
      expect(teamCreated.status).toBe(201);
      expect(teamCreated.body).toMatchObject({ bucket, prefix: 'folder' });
      const teamObject: any = await custom.getNamespacedCustomObject({
        group: GROUP,
        version: 'v1alpha1',
        namespace: teamNs,
        plural: 'datasets',
        name: 'team-data',
      });
      expect(teamObject.spec.local.bucket).toBe(`${bucket}/folder`);
      const teamList = await request(server)
        .get('/api/knot/datasets')
        .set('Authorization', as(alice))
        .set(PROFILE_HEADER, team);
      expect(teamList.body.items.map((d: any) => d.name)).toEqual([
        'common',
        'team-data',
      ]);

      // Bob: his own list is empty; alice's and the team's are refused.
      const bobList = await request(server)
        .get('/api/knot/datasets')
        .set('Authorization', as(bob));
      expect(bobList.body.items.map((d: any) => d.name)).toEqual(['common']);
      for (const profile of [alice, team]) {
        for (const call of [
          request(server).get('/api/knot/datasets'),
          request(server).delete('/api/knot/datasets/data'),
          request(server).delete('/api/knot/datasets/team-data'),
          request(server).post('/api/knot/datasets').send(dataset),
          request(server).post('/api/knot/datasets/test').send(dataset),
        ]) {
          const refused = await call
            .set('Authorization', as(bob))
            .set(PROFILE_HEADER, profile);
          expect(refused.status).toBe(403);
        }
      }
      const bobDelete = await request(server)
        .delete('/api/knot/datasets/data')
        .set('Authorization', as(bob));
      expect(bobDelete.status).toBe(404);

      // Bob's namespace token reaches neither alice's Datasets nor her keys.
      const lib = loadClientNode();
      const adminConfig = new lib.KubeConfig();
      adminConfig.loadFromFile(testKubeconfig()!);
      const token = await core.createNamespacedServiceAccountToken({
        name: KNOT_SERVICE_ACCOUNT,
        namespace: `${prefix}${bob}`,
        body: { spec: { audiences: [], expirationSeconds: 600 } },
      });
      const bobConfig = new lib.KubeConfig();
      bobConfig.loadFromOptions({
        clusters: [{ ...adminConfig.getCurrentCluster()!, name: 'test' }],
        users: [{ name: 'sa', token: token.status!.token }],
        contexts: [{ name: 'test', cluster: 'test', user: 'sa' }],
        currentContext: 'test',
      });
      const bobCustom: k8s.CustomObjectsApi = bobConfig.makeApiClient(
        lib.CustomObjectsApi,
      );
      const bobCore: k8s.CoreV1Api = bobConfig.makeApiClient(lib.CoreV1Api);
      const where = {
        group: GROUP,
        version: 'v1alpha1',
        namespace: aliceNs,
        plural: 'datasets',
      };
      expect(
        await statusCode(() => bobCustom.listNamespacedCustomObject(where)),
      ).toBe(403);
      expect(
        await statusCode(() =>
          bobCustom.getNamespacedCustomObject({ ...where, name: 'data' }),
        ),
      ).toBe(403);
      expect(
        await statusCode(() =>
          bobCustom.deleteNamespacedCustomObject({ ...where, name: 'data' }),
        ),
      ).toBe(403);
      expect(
        await statusCode(() =>
          bobCore.readNamespacedSecret({
            name: datasetSecretName('data'),
            namespace: aliceNs,
          }),
        ),
      ).toBe(403);

      // An admin's shared dataset is not the user's to delete.
      const sharedDelete = await request(server)
        .delete('/api/knot/datasets/common')
        .set('Authorization', as(alice));
      expect(sharedDelete.status).toBe(403);
      expect(sharedDelete.body.error.message).toMatch(/shared/);

      // Delete: the Dataset and its Secret are gone.
      const deleted = await request(server)
        .delete('/api/knot/datasets/data')
        .set('Authorization', as(alice));
      expect(deleted.status).toBe(204);
      expect(
        await statusCode(() =>
          custom.getNamespacedCustomObject({ ...where, name: 'data' }),
        ),
      ).toBe(404);
      expect(
        await statusCode(() =>
          core.readNamespacedSecret({
            name: datasetSecretName('data'),
            namespace: aliceNs,
          }),
        ),
      ).toBe(404);
      const again = await request(server)
        .delete('/api/knot/datasets/data')
        .set('Authorization', as(alice));
      expect(again.status).toBe(404);
      const final = await request(server)
        .get('/api/knot/datasets')
        .set('Authorization', as(alice));
      expect(final.body.items.map((d: any) => [d.name, d.shared])).toEqual([
        ['common', true],
      ]);

      // The admin drops it from the config: provisioning removes it.
      // A whole pass lists the shared Datasets of every namespace at once.
      const dropConfig = new SharedDatasets(
        new KubernetesClientFactory(testKubeconfig()!),
        [],
      );
      const observed = await dropConfig.observe();
      expect(observed?.get(aliceNs)?.map(i => i.metadata.name)).toEqual([
        'common',
      ]);
      const dropped = await dropConfig.reconcile(alice, aliceNs, observed);
      expect(dropped).toEqual([
        expect.objectContaining({ kind: 'Dataset', action: 'deleted' }),
      ]);
      const gone = await request(server)
        .get('/api/knot/datasets')
        .set('Authorization', as(alice));
      expect(gone.body.items).toEqual([]);
      expect(
        await statusCode(() =>
          core.readNamespacedSecret({
            name: datasetSecretName('common'),
            namespace: aliceNs,
          }),
        ),
      ).toBe(404);
    },
  );
});

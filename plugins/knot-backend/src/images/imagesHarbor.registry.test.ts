import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import {
  buildTestImage,
  createTestDatabases,
  seedKnotUsers,
  startAuthenticatedRegistry,
  startKnotTestBackend,
  writeOciLayoutArchive,
  type AuthenticatedRegistry,
  type TestImage,
} from '@knot-platform/knot-test-utils';
import type { KnotImageList } from '@knot-platform/plugin-knot-common';
import request from 'supertest';
import { as, uploadImage } from './__testUtils__/imagesApi';
import {
  startFakeHarbor,
  type FakeHarbor,
} from '../harbor/__testUtils__/fakeHarbor';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const MiB = 1024 * 1024;
const admin = { username: 'admin', password: 'Harbor12345' };

let harbor: FakeHarbor;
let registry: AuthenticatedRegistry;
let server: Server;
let work: string;
let image: TestImage;
let archive: Buffer;

/**
 * The registry's API as Harbor's clients reach it: a Bearer token from
 * Harbor's token service for the scope, then the request.
 */
async function registryGet(repository: string, urlPath: string) {
  const token = new URL(harbor.tokenAuth.realm);
  token.searchParams.set('service', harbor.tokenAuth.service);
  token.searchParams.set('scope', `repository:${repository}:pull`);
  const basic = Buffer.from(`${admin.username}:${admin.password}`).toString(
    'base64',
  );
  const { token: bearer } = (await (
    await fetch(token, { headers: { Authorization: `Basic ${basic}` } })
  ).json()) as { token: string };
  return fetch(`${harbor.url}/v2/${repository}${urlPath}`, {
    headers: {
      Authorization: `Bearer ${bearer}`,
      Accept: 'application/vnd.oci.image.manifest.v1+json',
    },
  });
}

beforeAll(async () => {
  harbor = await startFakeHarbor({ admin });
  // distribution in token mode behind Harbor's front, as in Harbor.
  registry = await startAuthenticatedRegistry({ token: harbor.tokenAuth });
  harbor.setRegistry(registry.url);
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'knot-images-harbor-'));
  image = await buildTestImage(path.join(work, 'image'), {
    layerSizes: [1.5 * MiB, 200 * 1024],
  });
  const file = path.join(work, 'oci.tar');
  await writeOciLayoutArchive(image, file);
  archive = await fs.readFile(file);

  const knex = await databases.init('SQLITE_3');
  ({ server } = await startKnotTestBackend({
    knex,
    config: {
      knot: {
        identity: { admins: ['root'] },
        images: {
          // Knot's Harbor account; the registry asks for tokens.
          registry: { url: harbor.url, pullHost: harbor.host, ...admin },
          spoolDir: work,
        },
      },
    },
  }));
  await seedKnotUsers(knex, { users: ['alice', 'bob'], admins: ['root'] });
}, 180_000);

afterAll(async () => {
  await registry?.stop();
  await harbor?.stop();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

describe('images API against a registry with token authentication (Harbor)', () => {
  it('uploads, lists, serves and deletes through Harbor-issued tokens', async () => {
    const uploaded = await uploadImage(
      server,
      'alice',
      { repository: 'alice/env', tag: 'v1' },
      archive,
    );
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({
      reference: `${harbor.host}/alice/env:v1`,
      uploadedBlobs: 3,
    });

    // Listed for alice (through the catalog, a system admin's), not for bob.
    const list = await request(server)
      .get('/api/knot/images')
      .set('Authorization', as('alice'));
    expect(list.status).toBe(200);
    expect((list.body as KnotImageList).items).toEqual([
      expect.objectContaining({
        repository: 'alice/env',
        tags: [
          expect.objectContaining({
            tag: 'v1',
            digest: uploaded.body.digest,
          }),
        ],
      }),
    ]);
    const bobs = await request(server)
      .get('/api/knot/images')
      .set('Authorization', as('bob'));
    expect(bobs.body.items).toEqual([]);
    expect(JSON.stringify(list.body)).not.toContain(admin.password);

    // What Harbor serves: the manifest and each layer, byte for byte.
    const manifest = await registryGet('alice/env', '/manifests/v1');
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('docker-content-digest')).toBe(
      uploaded.body.digest,
    );
    for (const layer of image.layers) {
      const blob = await registryGet('alice/env', `/blobs/${layer.digest}`);
      expect(
        Buffer.from(await blob.arrayBuffer()).equals(
          await fs.readFile(layer.file),
        ),
      ).toBe(true);
    }

    // Only an admin deletes.
    const remove = (user: string) =>
      request(server)
        .delete('/api/knot/images')
        .query({ repository: 'alice/env', tag: 'v1' })
        .set('Authorization', as(user));
    const refused = await remove('alice');
    expect(refused.status).toBe(403);
    expect((await registryGet('alice/env', '/manifests/v1')).status).toBe(200);
    expect((await remove('root')).status).toBe(204);
    expect((await registryGet('alice/env', '/manifests/v1')).status).toBe(404);
    harbor.assertNoViolations();
  });
});

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  buildTestImage,
  createTestDatabases,
  seedKnotUsers,
  eventually,
  startAuthenticatedRegistry,
  startKnotTestBackend,
  startRegistryUploadFront,
  writeDockerSaveArchive,
  writeOciLayoutArchive,
  type AuthenticatedRegistry,
  type RegistryUploadFront,
  type TestImage,
} from '@knot-platform/knot-test-utils';
import type { KnotImageList } from '@knot-platform/plugin-knot-common';
import type { Server } from 'node:http';
import request from 'supertest';
import { as, uploadImage } from './__testUtils__/imagesApi';
import { tarArchive } from './__testUtils__/tarArchive';

// The knot plugin's migrations and a registry process start once.
jest.setTimeout(120_000);

const databases = createTestDatabases();
const MiB = 1024 * 1024;

let registry: AuthenticatedRegistry;
/** The backend's way to the registry: counts (and can hold) blob uploads. */
let front: RegistryUploadFront;
let server: Server;
let work: string;
let spool: string;
let plain: TestImage;
let gzipped: TestImage;
const archives: Record<string, Buffer> = {};

/** The registry's API with the test's own credentials. */
async function registryGet(urlPath: string, accept?: string) {
  const { username, password } = registry.credentials;
  return fetch(`${registry.url}${urlPath}`, {
    headers: {
      Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString(
        'base64',
      )}`,
      ...(accept ? { Accept: accept } : {}),
    },
  });
}

async function tagsOf(repository: string): Promise<string[]> {
  const res = await registryGet(`/v2/${repository}/tags/list`);
  if (res.status === 404) return [];
  return ((await res.json()) as any).tags ?? [];
}

const sha256 = (bytes: Buffer) =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

const upload = (user: string, repository: string, tag: string, body: Buffer) =>
  uploadImage(server, user, { repository, tag }, body);

/** Blob uploads the registry saw since `from` (requests index). */
async function blobUploads(from: number) {
  return (await registry.requests())
    .slice(from)
    .filter(r => r.method === 'PATCH' && r.path.includes('/blobs/uploads/'));
}

/** A copy of `image` whose first layer has one byte changed, digests unchanged. */
async function tampered(image: TestImage, dir: string): Promise<TestImage> {
  const bytes = await fs.readFile(image.layers[0].file);
  bytes[bytes.length >> 1] ^= 0xff;
  const file = path.join(
    dir,
    `tampered-${path.basename(image.layers[0].file)}`,
  );
  await fs.writeFile(file, bytes);
  return {
    ...image,
    layers: [{ ...image.layers[0], file }, ...image.layers.slice(1)],
  };
}

beforeAll(async () => {
  registry = await startAuthenticatedRegistry();
  front = await startRegistryUploadFront(registry.url);
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'knot-images-test-'));
  spool = path.join(work, 'spool');
  await fs.mkdir(spool);
  const built = path.join(work, 'built');
  await fs.mkdir(built);
  // Layers above 1 MiB are streamed (OCI) or spooled (docker save); the
  // small one is kept in memory.
  plain = await buildTestImage(path.join(built, 'plain'), {
    layerSizes: [2.5 * MiB, 300 * 1024, 1.5 * MiB],
  });
  gzipped = await buildTestImage(path.join(built, 'gzipped'), {
    layerSizes: [2 * MiB, 200 * 1024],
    gzip: true,
  });
  const write = async (name: string, how: (file: string) => Promise<void>) => {
    const file = path.join(work, name);
    await how(file);
    archives[name] = await fs.readFile(file);
  };
  await write('docker.tar', f => writeDockerSaveArchive(plain, f));
  await write('oci.tar.gz', f => writeOciLayoutArchive(gzipped, f));
  await write('oci.tar', f => writeOciLayoutArchive(gzipped, f));
  await write('docker-tampered.tar', async f =>
    writeDockerSaveArchive(await tampered(plain, built), f),
  );
  await write('oci-tampered.tar', async f =>
    writeOciLayoutArchive(await tampered(gzipped, built), f),
  );
  // Four layers above 1 MiB: each spooled, then pushed.
  const parallel = await buildTestImage(path.join(built, 'parallel'), {
    layerSizes: [1.25 * MiB, 1.25 * MiB, 1.25 * MiB, 1.25 * MiB],
  });
  await write('parallel-oci.tar', f => writeOciLayoutArchive(parallel, f));
  await write('parallel-docker.tar', f => writeDockerSaveArchive(parallel, f));
  archives['pax-size.tar'] = tarArchive([
    { name: 'index.json', body: Buffer.from('{}'), pax: { size: '1.5' } },
  ]);

  const knex = await databases.init('SQLITE_3');
  ({ server } = await startKnotTestBackend({
    knex,
    config: {
      knot: {
        identity: { admins: ['root'] },
        images: {
          registry: {
            url: front.url,
            pullHost: 'registry.knot.test',
            ...registry.credentials,
          },
          spoolDir: spool,
          pushConcurrency: 3,
          // Above every archive of this file, below the oversized ones.
          maxUploadBytes: 8 * MiB,
        },
      },
    },
  }));
  await seedKnotUsers(knex, { users: ['alice', 'bob'], admins: ['root'] });
}, 180_000);

afterAll(async () => {
  await front?.stop();
  await registry?.stop();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

afterEach(async () => {
  // No upload, accepted or refused, leaves a file in the spool folder.
  const left = await fs.readdir(spool);
  if (left.length) throw new Error(`left in the spool folder: ${left}`);
});

describe('images API against an authenticated registry', () => {
  it('uploads a docker save archive, lists it and serves identical layers', async () => {
    const from = (await registry.requests()).length;
    const res = await upload(
      'alice',
      'alice/tools',
      'v1',
      archives['docker.tar'],
    );
    expect(res.status).toBe(201);
    const size =
      plain.config.length + plain.layers.reduce((s, l) => s + l.size, 0);
    expect(res.body).toMatchObject({
      repository: 'alice/tools',
      tag: 'v1',
      reference: 'registry.knot.test/alice/tools:v1',
      size,
      uploadedBlobs: 4,
      skippedBlobs: 0,
    });
    // Three layers and the config, each one upload.
    expect(await blobUploads(from)).toHaveLength(4);

    const manifestRes = await registryGet(
      '/v2/alice/tools/manifests/v1',
      'application/vnd.oci.image.manifest.v1+json',
    );
    expect(manifestRes.headers.get('docker-content-digest')).toBe(
      res.body.digest,
    );
    const manifest = (await manifestRes.json()) as any;
    expect(manifest.config.digest).toBe(plain.configDigest);
    expect(manifest.layers.map((l: any) => l.digest)).toEqual(
      plain.layers.map(l => l.digest),
    );
    for (const layer of plain.layers) {
      const blob = Buffer.from(
        await (
          await registryGet(`/v2/alice/tools/blobs/${layer.digest}`)
        ).arrayBuffer(),
      );
      expect(blob.equals(await fs.readFile(layer.file))).toBe(true);
    }

    const list = await request(server)
      .get('/api/knot/images')
      .set('Authorization', as('alice'));
    expect(list.status).toBe(200);
    const body = list.body as KnotImageList;
    expect(body).toMatchObject({
      registry: 'registry.knot.test',
      uploadAreas: { profile: 'alice' },
      canDelete: false,
    });
    expect(body.uploadAreas.shared).toBeUndefined();
    expect(body.items).toEqual([
      {
        repository: 'alice/tools',
        area: 'profile',
        tags: [
          {
            tag: 'v1',
            digest: res.body.digest,
            size,
            platforms: ['linux/amd64'],
            created: '2026-12-01T12:00:00Z',
            reference: 'registry.knot.test/alice/tools:v1',
          },
        ],
      },
    ]);
    // Bob sees neither Alice's area nor her image.
    const bobs = await request(server)
      .get('/api/knot/images')
      .set('Authorization', as('bob'));
    expect(bobs.body.items).toEqual([]);
    // No credential of the registry in any answer.
    expect(JSON.stringify(list.body)).not.toContain(
      registry.credentials.password,
    );
  });

  it('skips the blobs the registry has on a second upload', async () => {
    const from = (await registry.requests()).length;
    const res = await upload(
      'alice',
      'alice/tools',
      'v2',
      archives['docker.tar'],
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ uploadedBlobs: 0, skippedBlobs: 4 });
    expect(await blobUploads(from)).toHaveLength(0);
    expect((await tagsOf('alice/tools')).sort()).toEqual(['v1', 'v2']);
  });

  it('checks a layer it skips: the registry, which checks what it stores, does not see it', async () => {
    const first = await upload(
      'alice',
      'alice/held',
      'v1',
      archives['oci.tar'],
    );
    expect(first.status).toBe(201);
    const from = (await registry.requests()).length;
    const res = await upload(
      'alice',
      'alice/held',
      'v2',
      archives['oci-tampered.tar'],
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /corrupt: the content of sha256:\w+ does not match its digest \(it is sha256:/,
    );
    expect(await blobUploads(from)).toHaveLength(0);
    expect(await tagsOf('alice/held')).toEqual(['v1']);
  });

  describe('refuses an archive over knot.images.maxUploadBytes with 413, storing nothing', () => {
    const oversized = Buffer.alloc(9 * MiB, 7);
    const refused = async (
      res: { status: number; text: string },
      message = /larger than the 8 MiB an upload may have/,
    ) => {
      expect(res.status).toBe(413);
      expect(JSON.parse(res.text).error.message).toMatch(message);
      const tags = await registryGet('/v2/alice/big/tags/list');
      expect(tags.status).toBe(404);
    };

    it('declared (Content-Length)', async () => {
      const from = (await registry.requests()).length;
      const res = await upload('alice', 'alice/big', '1', oversized);
      // Refused before the registry is asked anything.
      expect((await registry.requests()).slice(from)).toEqual([]);
      await refused(res);
    });

    it('sent in chunks, without a length', async () => {
      // A docker save layer (spooled to disk as it arrives) of 9 MiB.
      const layerDir = path.join(work, 'a'.repeat(64));
      await fs.mkdir(layerDir, { recursive: true });
      await fs.writeFile(path.join(layerDir, 'layer.tar'), oversized);
      execFileSync('tar', ['-cf', 'big.tar', 'a'.repeat(64)], { cwd: work });
      const archive = await fs.readFile(path.join(work, 'big.tar'));
      const address = server.address() as { port: number };
      const res = await new Promise<{ status: number; text: string }>(
        (resolve, reject) => {
          const req = http.request(
            {
              host: '127.0.0.1',
              port: address.port,
              method: 'PUT',
              path: '/api/knot/images/upload?repository=alice/big&tag=1',
              headers: {
                Authorization: as('alice'),
                'Content-Type': 'application/octet-stream',
                'Transfer-Encoding': 'chunked',
              },
            },
            response => {
              let text = '';
              response.on('data', d => (text += d));
              response.on('end', () =>
                resolve({ status: response.statusCode!, text }),
              );
            },
          );
          req.on('error', reject);
          for (let at = 0; at < archive.length; at += MiB) {
            req.write(archive.subarray(at, at + MiB));
          }
          req.end();
        },
      );
      expect(res.status).toBe(413);
      await refused(res);
    });

    it('unpacked from a .tar.gz of a few KiB', async () => {
      const archive = gzipSync(
        tarArchive([{ name: `${'a'.repeat(64)}/layer.tar`, body: oversized }]),
      );
      expect(archive.length).toBeLessThan(64 * 1024);
      await refused(
        await upload('alice', 'alice/big', '1', archive),
        /^This image archive unpacks to more than the 8 MiB an upload may have \(knot.images.maxUploadBytes\)$/,
      );
    });
  });

  it('refuses a tag that exists with 409', async () => {
    const res = await upload(
      'alice',
      'alice/tools',
      'v1',
      archives['docker.tar'],
    );
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/exists already/);
  });

  it.each([
    ['oci.tar.gz', 'alice/oci-gz'],
    ['oci.tar', 'alice/oci'],
  ])(
    'uploads an OCI layout archive (%s) with identical layers',
    async (name, repository) => {
      const from = (await registry.requests()).length;
      const res = await upload('alice', repository, '1.0', archives[name]);
      expect(res.status).toBe(201);
      // The OCI manifest is stored as it was: same digest.
      expect(res.body.digest).toBe(gzipped.manifestDigest);
      expect(res.body.size).toBe(
        gzipped.config.length + gzipped.layers.reduce((s, l) => s + l.size, 0),
      );
      // A blob of the registry (alice/oci-gz's) is in another repository:
      // uploaded again there (distribution links blobs per repository).
      expect(res.body.uploadedBlobs + res.body.skippedBlobs).toBe(3);
      expect(await blobUploads(from)).toHaveLength(res.body.uploadedBlobs);
      const manifest = await registryGet(
        `/v2/${repository}/manifests/1.0`,
        'application/vnd.oci.image.manifest.v1+json',
      );
      expect(
        Buffer.from(await manifest.arrayBuffer()).equals(gzipped.manifest),
      ).toBe(true);
      for (const layer of gzipped.layers) {
        const blob = Buffer.from(
          await (
            await registryGet(`/v2/${repository}/blobs/${layer.digest}`)
          ).arrayBuffer(),
        );
        expect(sha256(blob)).toBe(layer.digest);
        expect(blob.equals(await fs.readFile(layer.file))).toBe(true);
      }
    },
  );

  describe("refuses names outside the acting profile's area, touching nothing", () => {
    it.each([
      ['a path out of the area', 'alice/../bob/x', 400, /not a valid part/],
      ['a leading ../', '../alice/x', 400, /not a valid part/],
      ['uppercase', 'alice/Tools', 400, /not a valid part/],
      [
        "another profile's area",
        'bob/tools',
        403,
        /only into your own area \(alice\/\)/,
      ],
      [
        'a profile whose name starts the same',
        'alice2/tools',
        403,
        /your own area/,
      ],
      ['the area itself', 'alice', 403, /your own area/],
      [
        'the shared area (admins only)',
        'shared/tools',
        403,
        /Only admins may upload into the shared area/,
      ],
    ])('%s (%s)', async (_case, repository, status, message) => {
      const from = (await registry.requests()).length;
      const res = await upload(
        'alice',
        repository,
        'v1',
        archives['docker.tar'],
      );
      expect(res.status).toBe(status);
      expect(res.body.error.message).toMatch(message);
      // Not a single request reached the registry.
      expect((await registry.requests()).slice(from)).toEqual([]);
    });

    it('an invalid tag', async () => {
      const res = await upload(
        'alice',
        'alice/tools',
        '-v1',
        archives['docker.tar'],
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/not a valid tag/);
    });

    it('lets an admin upload into the shared area, which every profile lists', async () => {
      const res = await upload(
        'root',
        'shared/base',
        'latest',
        archives['oci.tar'],
      );
      expect(res.status).toBe(201);
      const list = await request(server)
        .get('/api/knot/images')
        .query({ filter: 'base' })
        .set('Authorization', as('bob'));
      expect(list.body.items).toEqual([
        expect.objectContaining({ repository: 'shared/base', area: 'shared' }),
      ]);
      expect(list.body.total).toBe(1);
    });
  });

  describe('refuses a broken archive with a 4xx and leaves nothing visible', () => {
    it.each([
      ['a truncated docker save archive', 'docker.tar', 'half', /truncated/],
      ['a truncated OCI .tar.gz', 'oci.tar.gz', 'half', /truncated/],
      [
        'a docker save layer changed',
        'docker-tampered.tar',
        'whole',
        /corrupt.*does not match/,
      ],
      [
        'an OCI layer changed',
        'oci-tampered.tar',
        'whole',
        /corrupt.*does not match its digest/,
      ],
      ['not an archive at all', 'random', 'whole', /not an image archive/],
      [
        'a pax size of 1.5 bytes',
        'pax-size.tar',
        'whole',
        /^This is not an image archive: entry index.json has an invalid size$/,
      ],
    ])('%s', async (_case, name, part, message) => {
      const archive =
        name === 'random' ? Buffer.alloc(4096, 7) : archives[name];
      const body =
        part === 'half' ? archive.subarray(0, archive.length >> 1) : archive;
      const repository = `alice/broken-${name.replace(/[^a-z]+/g, '-')}`;
      const res = await upload('alice', repository, 'v1', body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
      expect(await tagsOf(repository)).toEqual([]);
      const manifest = await registryGet(`/v2/${repository}/manifests/v1`);
      expect(manifest.status).toBe(404);
    });
  });

  describe('pushes blobs in parallel while the archive arrives', () => {
    it.each([
      ['an OCI layout', 'parallel-oci.tar', 'alice/parallel-oci'],
      ['a docker save archive', 'parallel-docker.tar', 'alice/parallel-docker'],
    ])(
      '%s: knot.images.pushConcurrency (3) blob uploads open at once, no more',
      async (_case, name, repository) => {
        front.reset();
        // No blob upload gets through until 3 are open at once: one
        // upload at a time would wait here 15 s and reach 1.
        front.hold(3, 15_000);
        try {
          const res = await upload('alice', repository, 'v1', archives[name]);
          expect(res.status).toBe(201);
          expect(res.body).toMatchObject({ uploadedBlobs: 5, skippedBlobs: 0 });
        } finally {
          front.release();
        }
        expect(front.maxOpen).toBe(3);
        expect(await tagsOf(repository)).toEqual(['v1']);
      },
    );
  });

  it('removes every spooled file and stores nothing when the client goes away mid-upload', async () => {
    const archive = archives['parallel-oci.tar'];
    const repository = 'alice/abandoned';
    const spooled = async () => {
      const files: string[] = [];
      for (const folder of await fs.readdir(spool)) {
        files.push(...(await fs.readdir(path.join(spool, folder))));
      }
      return files;
    };
    front.reset();
    // The pushes stay under way until the client has gone.
    front.hold(99, 60_000);
    try {
      const address = server.address() as { port: number };
      const req = http.request({
        host: '127.0.0.1',
        port: address.port,
        method: 'PUT',
        path: `/api/knot/images/upload?repository=${repository}&tag=v1`,
        headers: {
          Authorization: as('alice'),
          'Content-Type': 'application/octet-stream',
          'Content-Length': archive.length,
        },
      });
      req.on('error', () => undefined);
      // Three of the four layers and part of the last.
      req.write(archive.subarray(0, Math.floor(archive.length * 0.85)));
      await eventually(
        'three pushes under way, their blobs spooled',
        async () =>
          front.open === 3 && (await spooled()).length >= 3 ? true : undefined,
        20_000,
        50,
      );
      req.destroy();
      await eventually(
        'the spool folder emptied',
        async () => ((await fs.readdir(spool)).length ? undefined : true),
        20_000,
        50,
      );
    } finally {
      front.release();
    }
    await eventually(
      'the pushes ended',
      async () => (front.open === 0 ? true : undefined),
      20_000,
      50,
    );
    expect(await tagsOf(repository)).toEqual([]);
    // Every upload session of the registry cancelled: none left with its
    // start time or bytes (distribution keeps a cancelled one's hash state).
    const uploads = path.join(
      registry.storage,
      'docker/registry/v2/repositories',
      repository,
      '_uploads',
    );
    const left = await fs
      .readdir(uploads, { recursive: true })
      .catch(() => [] as string[]);
    expect(left.filter(f => /(^|\/)(startedat|data)$/.test(f))).toEqual([]);
  });

  describe('deletes for admins only', () => {
    it('answers 403 to a non-admin and deletes nothing', async () => {
      for (const user of ['alice', 'bob']) {
        const res = await request(server)
          .delete('/api/knot/images')
          .query({ repository: 'alice/tools', tag: 'v1' })
          .set('Authorization', as(user));
        expect(res.status).toBe(403);
      }
      expect((await tagsOf('alice/tools')).sort()).toEqual(['v1', 'v2']);
    });

    it('lets an admin delete a tag (the other stays), then the repository', async () => {
      const tag = await request(server)
        .delete('/api/knot/images')
        .query({ repository: 'alice/tools', tag: 'v1' })
        .set('Authorization', as('root'));
      expect(tag.status).toBe(204);
      expect(await tagsOf('alice/tools')).toEqual(['v2']);
      const repo = await request(server)
        .delete('/api/knot/images')
        .query({ repository: 'alice/tools' })
        .set('Authorization', as('root'));
      expect(repo.status).toBe(204);
      expect(await tagsOf('alice/tools')).toEqual([]);
      const list = await request(server)
        .get('/api/knot/images')
        .query({ filter: 'tools' })
        .set('Authorization', as('alice'));
      expect(list.body.items).toEqual([]);
    });
  });
});

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  buildTestImage,
  writeOciLayoutArchive,
} from '@knot-platform/knot-test-utils';
import { tarArchive } from './__testUtils__/tarArchive';
import { ImageUploader } from './ImageUploader';
import type { RegistryClient } from './RegistryClient';

const MiB = 1024 * 1024;

/** An empty registry stand-in: what is stored in it, in order. */
function emptyRegistry() {
  const stored: string[] = [];
  const registry = {
    manifest: async () => undefined,
    hasBlob: async () => false,
    pushBlob: async (
      _repository: string,
      _body: unknown,
      digest: () => string,
    ) => {
      stored.push(`blob ${digest()}`);
    },
    putManifest: async (_repository: string, reference: string) => {
      stored.push(`manifest ${reference}`);
    },
    deleteBlob: async (_repository: string, digest: string) => {
      stored.splice(stored.indexOf(`blob ${digest}`), 1);
    },
  } as unknown as RegistryClient;
  return { registry, stored };
}

async function* pieces(archive: Buffer) {
  for (let at = 0; at < archive.length; at += 64 * 1024) {
    yield archive.subarray(at, at + 64 * 1024);
  }
}

let dir: string;
let spool: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'knot-image-uploader-'));
  spool = path.join(dir, 'spool');
  await fs.mkdir(spool);
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('ImageUploader, with knot.images.maxUploadBytes of 1 MiB', () => {
  const upload = (registry: RegistryClient, archive: Buffer) =>
    new ImageUploader(registry, spool, 3, MiB).upload(
      'alice/x',
      'v1',
      pieces(archive),
    );

  it.each([
    [
      'a docker save layer (spooled as it arrives)',
      `${'a'.repeat(64)}/layer.tar`,
    ],
    ['an OCI blob (spooled to be pushed)', `blobs/sha256/${'b'.repeat(64)}`],
  ])(
    'refuses (413) a .tar.gz that unpacks to more, %s, and leaves nothing',
    async (_case, name) => {
      // 4 MiB of zeros: a few KiB gzipped, far under the limit.
      const archive = gzipSync(
        tarArchive([{ name, body: Buffer.alloc(4 * MiB) }]),
      );
      expect(archive.length).toBeLessThan(64 * 1024);
      const { registry, stored } = emptyRegistry();
      await expect(upload(registry, archive)).rejects.toMatchObject({
        statusCode: 413,
        message:
          'This image archive unpacks to more than the 1 MiB an upload may have (knot.images.maxUploadBytes)',
      });
      expect(stored).toEqual([]);
      expect(await fs.readdir(spool)).toEqual([]);
    },
  );

  it('stores a .tar.gz that unpacks to less', async () => {
    const image = await buildTestImage(dir, { layerSizes: [600 * 1024] });
    const file = path.join(dir, 'oci.tar.gz');
    await writeOciLayoutArchive(image, file);
    const { registry, stored } = emptyRegistry();
    const outcome = await upload(registry, await fs.readFile(file));
    expect(outcome.digest).toBe(image.manifestDigest);
    // Blobs pushed at once, in any order; the manifest once they are in.
    expect(stored.slice(0, -1).sort()).toEqual(
      [`blob ${image.configDigest}`, `blob ${image.layers[0].digest}`].sort(),
    );
    expect(stored.at(-1)).toBe('manifest v1');
    expect(await fs.readdir(spool)).toEqual([]);
  });
});

describe('ImageUploader, failing', () => {
  it('keeps the blobs it pushed: another upload into the repository may use them', async () => {
    const image = await buildTestImage(dir, {
      layerSizes: [1.5 * MiB, 1.5 * MiB],
    });
    const file = path.join(dir, 'oci.tar');
    await writeOciLayoutArchive(image, file);
    const { registry, stored } = emptyRegistry();
    // The registry takes the first layer and refuses the second.
    const push = registry.pushBlob.bind(registry);
    const asked: string[] = [];
    registry.pushBlob = async (repository, body, digest) => {
      asked.push(digest());
      if (asked.length === 2) {
        throw new Error(`The registry refused ${digest()}`);
      }
      return push(repository, body, digest);
    };
    await expect(
      new ImageUploader(registry, spool, 1, 64 * MiB).upload(
        'shared/base',
        'v1',
        pieces(await fs.readFile(file)),
      ),
    ).rejects.toThrow(/^The registry refused sha256:/);
    expect([...asked].sort()).toEqual(image.layers.map(l => l.digest).sort());
    expect(stored).toEqual([`blob ${asked[0]}`]);
    expect(await fs.readdir(spool)).toEqual([]);
  });
});

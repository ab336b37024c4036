import { execFile } from 'node:child_process';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One layer of a {@link TestImage}: a real tar file of generated files. */
export interface TestImageLayer {
  /** The layer as stored (gzipped when the image is). */
  file: string;
  digest: string;
  size: number;
  /** Digest of the uncompressed tar (the config's diff_id). */
  diffId: string;
  mediaType: string;
}

/** An image assembled without Docker, from {@link buildTestImage}. */
export interface TestImage {
  config: Buffer;
  configDigest: string;
  layers: TestImageLayer[];
  /** The OCI image manifest. */
  manifest: Buffer;
  manifestDigest: string;
}

const sha256 = (bytes: Buffer) =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function fileDigest(file: string): Promise<string> {
  const hash = createHash('sha256');
  const handle = await fs.open(file);
  try {
    for await (const chunk of handle.createReadStream()) hash.update(chunk);
  } finally {
    await handle.close();
  }
  return `sha256:${hash.digest('hex')}`;
}

/**
 * Writes `size` incompressible bytes to `file`, 4 MiB at a time: random, or
 * the same for the same `seed` (an AES-CTR key stream).
 */
async function writeRandom(
  file: string,
  size: number,
  seed?: string,
): Promise<void> {
  const stream =
    seed === undefined
      ? undefined
      : createCipheriv(
          'aes-256-ctr',
          createHash('sha256').update(seed).digest(),
          Buffer.alloc(16),
        );
  const handle = await fs.open(file, 'w');
  try {
    for (let left = size; left > 0; left -= 4 * 1024 * 1024) {
      const n = Math.min(left, 4 * 1024 * 1024);
      await handle.write(
        stream ? stream.update(Buffer.alloc(n)) : randomBytes(n),
      );
    }
  } finally {
    await handle.close();
  }
}

/**
 * Builds an image in `dir`: each layer a tar (made by the system's `tar`)
 * holding one file of `layerSizes[i]` random bytes, gzipped when asked,
 * a config naming their diff_ids, and an OCI manifest. With a `seed`, the
 * same options build the same image (same digests).
 */
export async function buildTestImage(
  dir: string,
  options: { layerSizes: number[]; gzip?: boolean; seed?: string },
): Promise<TestImage> {
  const layers: TestImageLayer[] = [];
  for (const [i, size] of options.layerSizes.entries()) {
    const content = path.join(dir, `content-${i}`);
    await fs.mkdir(content, { recursive: true });
    await writeRandom(
      path.join(content, `data-${i}.bin`),
      size,
      options.seed && `${options.seed}-${i}`,
    );
    const tarFile = path.join(dir, `layer-${i}.tar`);
    // Fixed times and owners: the same content makes the same layer.
    await run('tar', [
      '--mtime=@0',
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '--sort=name',
      '-cf',
      tarFile,
      '-C',
      content,
      '.',
    ]);
    await fs.rm(content, { recursive: true });
    const diffId = await fileDigest(tarFile);
    let file = tarFile;
    if (options.gzip) {
      file = `${tarFile}.gz`;
      await run('sh', ['-c', 'gzip -n -1 -c "$1" > "$2"', 'sh', tarFile, file]);
      await fs.rm(tarFile);
    }
    layers.push({
      file,
      digest: options.gzip ? await fileDigest(file) : diffId,
      size: (await fs.stat(file)).size,
      diffId,
      mediaType: options.gzip
        ? 'application/vnd.oci.image.layer.v1.tar+gzip'
        : 'application/vnd.oci.image.layer.v1.tar',
    });
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created: '2026-12-01T12:00:00Z',
      config: { Cmd: ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: layers.map(l => l.diffId) },
    }),
  );
  const configDigest = sha256(config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: configDigest,
        size: config.length,
      },
      layers: layers.map(l => ({
        mediaType: l.mediaType,
        digest: l.digest,
        size: l.size,
      })),
    }),
  );
  return {
    config,
    configDigest,
    layers,
    manifest,
    manifestDigest: sha256(manifest),
  };
}

const hex = (digest: string) => digest.replace(/^sha256:/, '');

/** Tars the entries of `staging` (no `./` prefix), gzipped for `.gz`. */
async function tarFolder(staging: string, file: string): Promise<void> {
  const entries = (await fs.readdir(staging)).sort();
  await run('tar', [
    file.endsWith('.gz') ? '-czf' : '-cf',
    file,
    '-C',
    staging,
    ...entries,
  ]);
  await fs.rm(staging, { recursive: true });
}

/**
 * Writes `image` as the legacy `docker save` tarball (Docker before 25):
 * `<id>/layer.tar`, `<config hex>.json`, `manifest.json`, `repositories`.
 * Layers are linked, not copied.
 */
export async function writeDockerSaveArchive(
  image: TestImage,
  file: string,
  repoTag = 'knot-test/image:latest',
): Promise<void> {
  const staging = `${file}.staging`;
  await fs.mkdir(staging, { recursive: true });
  const layerPaths: string[] = [];
  for (const layer of image.layers) {
    const id = hex(layer.diffId);
    await fs.mkdir(path.join(staging, id));
    await fs.link(layer.file, path.join(staging, id, 'layer.tar'));
    await fs.writeFile(path.join(staging, id, 'VERSION'), '1.0');
    await fs.writeFile(path.join(staging, id, 'json'), JSON.stringify({ id }));
    layerPaths.push(`${id}/layer.tar`);
  }
  const configName = `${hex(image.configDigest)}.json`;
  await fs.writeFile(path.join(staging, configName), image.config);
  await fs.writeFile(
    path.join(staging, 'manifest.json'),
    JSON.stringify([
      { Config: configName, RepoTags: [repoTag], Layers: layerPaths },
    ]),
  );
  const [name, tag] = repoTag.split(':');
  await fs.writeFile(
    path.join(staging, 'repositories'),
    JSON.stringify({ [name]: { [tag]: hex(image.layers.at(-1)!.diffId) } }),
  );
  await tarFolder(staging, file);
}

/**
 * Writes `image` as an OCI image layout archive: `oci-layout`,
 * `index.json`, `blobs/sha256/...` (`.tar.gz` when `file` ends so).
 */
export async function writeOciLayoutArchive(
  image: TestImage,
  file: string,
): Promise<void> {
  const staging = `${file}.staging`;
  const blobs = path.join(staging, 'blobs', 'sha256');
  await fs.mkdir(blobs, { recursive: true });
  for (const layer of image.layers) {
    await fs
      .link(layer.file, path.join(blobs, hex(layer.digest)))
      .catch(async error => {
        if (error.code !== 'EEXIST') throw error;
      });
  }
  await fs.writeFile(path.join(blobs, hex(image.configDigest)), image.config);
  await fs.writeFile(
    path.join(blobs, hex(image.manifestDigest)),
    image.manifest,
  );
  await fs.writeFile(
    path.join(staging, 'oci-layout'),
    JSON.stringify({ imageLayoutVersion: '1.0.0' }),
  );
  await fs.writeFile(
    path.join(staging, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: image.manifestDigest,
          size: image.manifest.length,
          annotations: { 'org.opencontainers.image.ref.name': 'latest' },
        },
      ],
    }),
  );
  await tarFolder(staging, file);
}

import { InputError } from '@backstage/errors';
import type { FileBody } from './fileBody';
import { type ArchiveContents, digestOf } from './ImageArchiveReader';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const INDEXES = [OCI_INDEX, DOCKER_LIST];
const MANIFESTS = [OCI_MANIFEST, DOCKER_MANIFEST];

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

/** A blob the reader did not hand to its sink as it streamed by. */
export interface PendingBlob {
  digest: string;
  size: number;
  /** In memory, or spooled. */
  body: Buffer | FileBody;
}

/** A manifest to store, by digest (children of an index) or by the tag. */
export interface PendingManifest {
  digest: string;
  mediaType: string;
  body: Buffer;
}

/** The image an archive holds, checked and ready to push. */
export interface ArchivedImage {
  blobs: PendingBlob[];
  /** Every blob of the image (configs and layers), streamed or pending. */
  digests: string[];
  /** Manifests an index refers to; pushed by digest before the top one. */
  children: PendingManifest[];
  top: PendingManifest;
  /** Bytes of configs and layers. */
  size: number;
  /**
   * Blobs neither in the archive nor handed over: with `absentInRegistry`
   * only, for the uploader to find in the registry (pushed by the browser).
   */
  absent: Array<{ digest: string; size: number }>;
}

export interface ArchivedImageOptions {
  /**
   * The browser pushed the large blobs itself (an OCI layout only): a
   * config or layer missing from the archive is listed in `absent`
   * instead of refused.
   */
  absentInRegistry?: boolean;
}

function parseJson(bytes: Buffer, what: string): any {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new InputError(`The archive is corrupt: ${what} is not valid JSON`);
  }
}

/**
 * Works out the image of an archive read by `readImageArchive`: an OCI
 * image layout (`index.json`, also what `docker save` writes since Docker
 * 25) or a legacy `docker save` tarball (`manifest.json`). Checks every
 * digest it can and that every blob is there; pushes nothing.
 */
export function archivedImage(
  contents: ArchiveContents,
  options: ArchivedImageOptions = {},
): ArchivedImage {
  if (contents.small.has('index.json')) {
    return fromOciLayout(contents, !!options.absentInRegistry);
  }
  if (options.absentInRegistry) {
    throw new InputError(
      'Only an OCI image layout can be uploaded with its layers pushed apart',
    );
  }
  if (contents.small.has('manifest.json')) return fromDockerSave(contents);
  throw new InputError(
    'This is not an image archive: it has neither index.json (OCI image layout) nor manifest.json (docker save)',
  );
}

function single<T>(items: T[] | undefined, what: string): T {
  if (!Array.isArray(items) || items.length === 0) {
    throw new InputError(
      `This is not an image archive: ${what} lists no image`,
    );
  }
  if (items.length > 1) {
    throw new InputError(
      `The archive holds ${items.length} images: export one image a file`,
    );
  }
  return items[0];
}

function fromOciLayout(
  contents: ArchiveContents,
  absentInRegistry: boolean,
): ArchivedImage {
  const index = parseJson(contents.small.get('index.json')!, 'index.json');
  const top = single<Descriptor>(index.manifests, 'index.json');
  const blobs = new Map<string, PendingBlob>();
  const manifest = (d: Descriptor, what: string): PendingManifest => {
    const body = smallBlob(contents, d, what);
    return { digest: d.digest, mediaType: d.mediaType, body };
  };
  const children: PendingManifest[] = [];
  const digests = new Set<string>();
  const absent = new Map<string, number>();
  let size = 0;
  const addImage = (m: PendingManifest) => {
    const parsed = parseJson(m.body, `manifest ${m.digest}`);
    if (!parsed.config?.digest || !Array.isArray(parsed.layers)) {
      throw new InputError(
        `The archive is corrupt: ${m.digest} is not an image manifest`,
      );
    }
    for (const d of [parsed.config, ...parsed.layers] as Descriptor[]) {
      size += d.size;
      digests.add(d.digest);
      if (contents.streamed.has(d.digest)) {
        if (contents.streamed.get(d.digest) !== d.size) {
          throw new InputError(
            `The archive is corrupt: ${d.digest} is not ${d.size} bytes long`,
          );
        }
        continue;
      }
      const where = blobPath(d);
      // Not a sha256 digest: refused by smallBlob below, never looked up.
      if (absentInRegistry && where && !contents.small.has(where)) {
        if (!Number.isSafeInteger(d.size) || d.size < 0) {
          throw new InputError(
            `The archive is corrupt: ${d.digest} has no valid size`,
          );
        }
        absent.set(d.digest, d.size);
        continue;
      }
      const bytes = smallBlob(contents, d, 'a layer');
      blobs.set(d.digest, { digest: d.digest, size: d.size, body: bytes });
    }
  };
  const topManifest = manifest(top, 'the image manifest');
  if (INDEXES.includes(top.mediaType)) {
    const list = parseJson(topManifest.body, 'the image index');
    for (const d of (list.manifests ?? []) as Descriptor[]) {
      const child = manifest(d, 'an image manifest');
      if (!MANIFESTS.includes(d.mediaType)) {
        throw new InputError(
          `The archive holds an unsupported manifest type: ${d.mediaType}`,
        );
      }
      addImage(child);
      children.push(child);
    }
  } else if (MANIFESTS.includes(top.mediaType)) {
    addImage(topManifest);
  } else {
    throw new InputError(
      `The archive holds an unsupported manifest type: ${top.mediaType}`,
    );
  }
  return {
    blobs: [...blobs.values()],
    digests: [...digests],
    children,
    top: topManifest,
    size,
    absent: [...absent].map(([digest, n]) => ({ digest, size: n })),
  };
}

/** Where a layout holds a blob; '' for what is not a sha256 digest. */
function blobPath(d: Descriptor): string {
  const hex = /^sha256:([a-f0-9]{64})$/.exec(d?.digest ?? '')?.[1];
  return hex ? `blobs/sha256/${hex}` : '';
}

/** A blob the archive holds in memory, verified against its descriptor. */
function smallBlob(
  contents: ArchiveContents,
  d: Descriptor,
  what: string,
): Buffer {
  const where = blobPath(d);
  if (!where) {
    throw new InputError(
      `The archive is corrupt: ${what} has no sha256 digest`,
    );
  }
  const bytes = contents.small.get(where);
  if (!bytes) {
    throw new InputError(
      `The archive is incomplete: ${what} (${d.digest}) is missing`,
    );
  }
  const actual = digestOf(bytes);
  if (actual !== d.digest) {
    throw new InputError(
      `The archive is corrupt: the content of ${d.digest} does not match its digest (it is ${actual})`,
    );
  }
  if (bytes.length !== d.size) {
    throw new InputError(
      `The archive is corrupt: ${d.digest} is not ${d.size} bytes long`,
    );
  }
  return bytes;
}

function fromDockerSave(contents: ArchiveContents): ArchivedImage {
  const entries = parseJson(
    contents.small.get('manifest.json')!,
    'manifest.json',
  );
  const entry = single<{ Config?: string; Layers?: string[] }>(
    entries,
    'manifest.json',
  );
  const resolve = (p: string) => contents.links.get(p) ?? p;
  const configBytes = contents.small.get(resolve(entry.Config ?? ''));
  if (!configBytes) {
    throw new InputError(
      `The archive is incomplete: the image configuration ${entry.Config} is missing`,
    );
  }
  const config = parseJson(configBytes, 'the image configuration');
  const diffIds: string[] = config.rootfs?.diff_ids ?? [];
  const layerPaths = entry.Layers ?? [];
  if (diffIds.length !== layerPaths.length) {
    throw new InputError(
      `The archive is corrupt: the configuration names ${diffIds.length} layers, manifest.json ${layerPaths.length}`,
    );
  }
  const blobs = new Map<string, PendingBlob>();
  const layers = layerPaths.map((layerPath, i) => {
    const where = resolve(layerPath);
    const spooled = contents.spooled.get(where);
    const bytes = contents.small.get(where);
    if (!spooled && !bytes) {
      throw new InputError(
        `The archive is incomplete: layer ${layerPath} is missing`,
      );
    }
    const layer = spooled ?? {
      digest: digestOf(bytes!),
      size: bytes!.length,
      gzip: bytes![0] === 0x1f && bytes![1] === 0x8b,
    };
    // An uncompressed layer's digest is its diff_id; a compressed one's is
    // checked by the registry only (its diff_id is of the gunzipped bytes).
    if (!layer.gzip && layer.digest !== diffIds[i]) {
      throw new InputError(
        `The archive is corrupt: layer ${layerPath} does not match the image's configuration (${diffIds[i]}, it is ${layer.digest})`,
      );
    }
    blobs.set(layer.digest, {
      digest: layer.digest,
      size: layer.size,
      body: spooled ? { file: spooled.file, size: spooled.size } : bytes!,
    });
    return {
      mediaType: layer.gzip
        ? 'application/vnd.oci.image.layer.v1.tar+gzip'
        : 'application/vnd.oci.image.layer.v1.tar',
      digest: layer.digest,
      size: layer.size,
    };
  });
  const configDescriptor = {
    mediaType: 'application/vnd.oci.image.config.v1+json',
    digest: digestOf(configBytes),
    size: configBytes.length,
  };
  blobs.set(configDescriptor.digest, {
    digest: configDescriptor.digest,
    size: configDescriptor.size,
    body: configBytes,
  });
  const body = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: configDescriptor,
      layers,
    }),
  );
  return {
    blobs: [...blobs.values()],
    digests: [...blobs.keys()],
    children: [],
    top: { digest: digestOf(body), mediaType: OCI_MANIFEST, body },
    size: configDescriptor.size + layers.reduce((s, l) => s + l.size, 0),
    absent: [],
  };
}

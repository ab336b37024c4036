import { createHash } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { InputError } from '@backstage/errors';
import { spoolFile } from './spoolFile';
import { tarEntries, TruncatedArchiveError } from './tarEntries';
import { limitedUpload } from './uploadLimit';

/** Files up to this size are kept in memory: indexes, manifests, configs. */
export const SMALL_FILE_BYTES = 1024 * 1024;
/** All small files of one archive together. */
const SMALL_FILES_TOTAL_BYTES = 32 * 1024 * 1024;

const CONTENT_ADDRESSED = /^blobs\/sha256\/([a-f0-9]{64})$/;

/** A large file (a legacy `docker save` layer) kept in the spool folder. */
export interface SpooledFile {
  file: string;
  digest: string;
  size: number;
  gzip: boolean;
}

/** What the reader hands large content-addressed blobs to, as they stream by. */
export interface BlobSink {
  /**
   * Stores (or skips, when the registry has it) the blob `digest`; `body`
   * must be read to its end. The reader does not hash it: a blob pushed
   * to the registry is checked by the registry, one skipped by
   * {@link drainChecked}.
   */
  blob(
    digest: string,
    size: number,
    body: AsyncIterable<Buffer>,
  ): Promise<void>;
  /**
   * A large file was spooled and hashed (a legacy `docker save` layer,
   * whose place in the image is only known at the archive's end): it may
   * be pushed already, then its file deleted.
   */
  spooled?(spooled: SpooledFile): Promise<void>;
}

/** An archive read to its end. */
export interface ArchiveContents {
  /** Small files by path. */
  small: Map<string, Buffer>;
  /** Large content-addressed blobs already handed to the sink, by digest. */
  streamed: Map<string, number>;
  /** Large other files, by path. */
  spooled: Map<string, SpooledFile>;
  /** Symbolic links by path, to the path they point at. */
  links: Map<string, string>;
}

/** `sha256:<hex>` of what went through, checked against `expected`. */
function digester(expected?: string) {
  const hash = createHash('sha256');
  return {
    update: (chunk: Buffer) => hash.update(chunk),
    verify: () => {
      const digest = `sha256:${hash.digest('hex')}`;
      if (expected && digest !== expected) {
        throw new InputError(
          `The archive is corrupt: the content of ${expected} does not match its digest (it is ${digest})`,
        );
      }
      return digest;
    },
  };
}

/**
 * The archive's bytes, gunzipped when it is a `.tar.gz`: then refused (413)
 * past `maxUnpackedBytes`, a bound its compressed size is not.
 */
async function* tarBytes(
  source: AsyncIterable<Buffer>,
  maxUnpackedBytes: number,
): AsyncGenerator<Buffer> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) throw new InputError('The archive is empty');
  const all = (async function* rest() {
    yield first.value;
    for (let next = await it.next(); !next.done; next = await it.next()) {
      yield next.value;
    }
  })();
  if (first.value[0] !== 0x1f || first.value[1] !== 0x8b) {
    yield* all;
    return;
  }
  const gunzip = createGunzip();
  const flowing = pipeline(Readable.from(all), gunzip);
  flowing.catch(() => undefined);
  try {
    yield* limitedUpload(gunzip, maxUnpackedBytes, { unpacked: true });
    await flowing;
  } catch (error) {
    if ((error as any)?.code === 'Z_BUF_ERROR') {
      throw new TruncatedArchiveError();
    }
    if ((error as any)?.code?.startsWith?.('Z_')) {
      throw new InputError(
        `The archive is corrupt: ${(error as Error).message}`,
      );
    }
    throw error;
  }
}

/**
 * Reads an exported image (a `docker save` tarball or an OCI image layout,
 * `.tar` or `.tar.gz`) in one pass as it arrives: small files stay in
 * memory, content-addressed blobs go to the sink as they stream by, and
 * other large files — legacy `docker save` layers, whose places in the
 * image are only known from `manifest.json` at the archive's end — are
 * written once to the spool folder, hashed, and handed to the sink there.
 * No layer is ever held in memory.
 */
export async function readImageArchive(
  source: AsyncIterable<Buffer>,
  options: {
    sink: BlobSink;
    spoolFolder: () => Promise<string>;
    /** Stops spooling (the upload failed elsewhere). */
    signal?: AbortSignal;
    /** What a `.tar.gz`'s tar may unpack to (`knot.images.maxUploadBytes`). */
    maxUnpackedBytes: number;
  },
): Promise<ArchiveContents> {
  const contents: ArchiveContents = {
    small: new Map(),
    streamed: new Map(),
    spooled: new Map(),
    links: new Map(),
  };
  let smallBytes = 0;
  let spooledFiles = 0;
  for await (const entry of tarEntries(
    tarBytes(source, options.maxUnpackedBytes),
  )) {
    if (entry.type === 'symlink') {
      contents.links.set(
        entry.name,
        path.posix.normalize(
          path.posix.join(path.posix.dirname(entry.name), entry.linkName),
        ),
      );
      continue;
    }
    if (entry.type !== 'file') continue;
    const addressed = CONTENT_ADDRESSED.exec(entry.name);
    if (entry.size <= SMALL_FILE_BYTES) {
      smallBytes += entry.size;
      if (smallBytes > SMALL_FILES_TOTAL_BYTES) {
        throw new InputError(
          'This is not an image archive: it holds too many small files',
        );
      }
      const parts: Buffer[] = [];
      for await (const part of entry.body) parts.push(part);
      contents.small.set(entry.name, Buffer.concat(parts));
    } else if (addressed) {
      const digest = `sha256:${addressed[1]}`;
      await options.sink.blob(digest, entry.size, entry.body);
      contents.streamed.set(digest, entry.size);
    } else {
      const file = path.join(
        await options.spoolFolder(),
        String(spooledFiles++),
      );
      const check = digester();
      let head: Buffer | undefined;
      await spoolFile(entry.body, file, {
        signal: options.signal,
        observe: part => {
          head ??= part;
          check.update(part);
        },
      });
      const spooled: SpooledFile = {
        file,
        digest: check.verify(),
        size: entry.size,
        gzip: head?.[0] === 0x1f && head?.[1] === 0x8b,
      };
      contents.spooled.set(entry.name, spooled);
      await options.sink.spooled?.(spooled);
    }
  }
  return contents;
}

/** Reads `body` to its end; refuses it (400) unless its digest is `digest`. */
export async function drainChecked(
  body: AsyncIterable<Buffer>,
  digest: string,
): Promise<void> {
  const check = digester(digest);
  for await (const part of body) check.update(part);
  check.verify();
}

/** The digest of bytes in memory. */
export function digestOf(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

import { InputError } from '@backstage/errors';
import type { FileUploadResult } from '@knot-platform/plugin-knot-common';
import busboy from 'busboy';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { finished, PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DomainRoot } from './DomainRoot';
import { diskUsage } from './diskUsage';
import { DurableFileWriter } from './DurableFileWriter';
import { fsError, HttpStatusError } from './fsErrors';
import { parseRelativePath, UPLOAD_TEMP_PREFIX } from './safePath';

/** Bytes buffered at each step of an upload (bounded: backpressure). */
const TRANSFER_BUFFER_BYTES = 1024 * 1024;

/** Most files one upload request may carry. */
const MAX_FILES_PER_UPLOAD = 10000;

/**
 * Receives a multipart upload into a folder. Each file part is streamed to a
 * hidden temp file next to its target (same filesystem), flushed to disk,
 * then renamed over the target: readers see the old file or the whole new
 * one, never a part, and concurrent uploads of one name never mix. A file
 * name may carry a relative path (`dir/sub/a.txt`, folder uploads): missing
 * folders are created. When the request fails or the connection drops, the
 * temp files are removed; files completed before stay.
 */
export async function receiveUpload(
  req: IncomingMessage,
  root: DomainRoot,
  folder: string[],
): Promise<FileUploadResult> {
  await root.folder(folder);
  const quota = await quotaTracker(req, root);
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      preservePath: true,
      defParamCharset: 'utf8',
      // Larger buffers between socket, parser and disk: fewer, bigger
      // writes (writev) instead of one per 64 KiB socket read.
      highWaterMark: TRANSFER_BUFFER_BYTES,
      fileHwm: TRANSFER_BUFFER_BYTES,
      limits: {
        files: MAX_FILES_PER_UPLOAD,
        fields: 100,
        fieldSize: 64 * 1024,
        parts: MAX_FILES_PER_UPLOAD + 100,
      },
    });
  } catch {
    throw new InputError('Expected a multipart/form-data upload');
  }

  const uploaded: FileUploadResult['uploaded'] = [];
  const writes: Promise<void>[] = [];
  let firstError: Error | undefined;
  const fail = (error: unknown) => {
    firstError ??= error instanceof Error ? error : new Error(String(error));
  };

  parser.on('file', (_field, stream, info) => {
    if (firstError) {
      stream.resume();
      return;
    }
    writes.push(
      Promise.resolve()
        .then(() =>
          writeFile(root, [...folder, ...partPath(info.filename)], stream, {
            meter: quota,
          }),
        )
        .then(
          result => {
            uploaded.push(result);
          },
          error => {
            stream.unpipe();
            stream.resume(); // keep parsing, so that the request can finish
            fail(error);
          },
        ),
    );
  });
  parser.on('filesLimit', () =>
    fail(new InputError(`At most ${MAX_FILES_PER_UPLOAD} files per upload`)),
  );

  try {
    await pipeline(req, parser);
  } catch (error) {
    fail(
      (error as Error).message?.includes('Malformed') ||
        (error as Error).message?.includes('Unexpected end')
        ? new InputError(`The upload is incomplete or malformed`)
        : error,
    );
  }
  await Promise.allSettled(writes);
  if (firstError) {
    throw firstError;
  }
  return { uploaded };
}

/**
 * The optional quota of the domain: refuses an upload whose declared size
 * cannot fit before reading it, and stops one whose bytes stop fitting.
 */
async function quotaTracker(req: IncomingMessage, root: DomainRoot) {
  const quota = root.quotaBytes;
  if (quota === undefined) {
    return undefined;
  }
  const used = await diskUsage(root.realRoot);
  const exceeded = (adding: number) =>
    new HttpStatusError(
      413,
      `This upload (${formatMiB(
        adding,
      )}) does not fit in your storage quota: ` +
        `${formatMiB(used)} of ${formatMiB(quota)} used`,
    );
  const declared = Number(req.headers['content-length'] ?? 0);
  if (used + declared > quota) {
    throw exceeded(declared);
  }
  let received = 0;
  /** Counts the bytes of every file of the upload as they pass. */
  return () =>
    new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        if (used + received > quota) callback(exceeded(received));
        else callback(null, chunk);
      },
    });
}

function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * Receives one file sent as the raw request body (`PUT`, no multipart to
 * parse: the browser's uploads), to `names` inside the domain. Same atomic
 * temp-file-then-rename as multipart uploads; a body shorter than its
 * Content-Length (connection lost) leaves nothing behind.
 */
export async function receiveFile(
  req: IncomingMessage,
  root: DomainRoot,
  names: string[],
): Promise<FileUploadResult> {
  const quota = await quotaTracker(req, root);
  const declared = req.headers['content-length'];
  const result = await writeFile(root, names, req, {
    meter: quota,
    expectedSize: declared === undefined ? undefined : Number(declared),
  });
  return { uploaded: [result] };
}

/** The relative path a multipart part names (folder uploads carry one). */
function partPath(filename: string | undefined): string[] {
  const relative = filename ? parseRelativePath(filename) : [];
  if (relative.length === 0) {
    throw new InputError('A file in the upload has no name');
  }
  return relative;
}

async function writeFile(
  root: DomainRoot,
  names: string[],
  stream: Readable,
  options: { meter?: () => Transform; expectedSize?: number },
): Promise<{ path: string; size: number }> {
  const { meter, expectedSize } = options;
  const dir = await root.ensureFolder(names.slice(0, -1));
  const target = path.join(dir, names[names.length - 1]);
  const temp = path.join(dir, `${UPLOAD_TEMP_PREFIX}${randomUUID()}`);
  try {
    // On disk before the rename, so the rename never exposes unwritten data.
    const out = new DurableFileWriter(temp, {
      highWaterMark: TRANSFER_BUFFER_BYTES,
    });
    // The part is piped, not handed to pipeline(): on a write error the
    // part must stay readable so that it can be drained and the request
    // answered; busboy stalls on a destroyed part. A part that ends early
    // (connection lost) still fails the write.
    const sink = meter
      ? meter()
      : new PassThrough({ highWaterMark: TRANSFER_BUFFER_BYTES });
    stream.pipe(sink);
    finished(stream, error => {
      if (error) sink.destroy(error);
    });
    await pipeline(sink, out);
    if ((stream as Readable & { truncated?: boolean }).truncated) {
      throw new InputError(`${root.shown(names)} is too large`);
    }
    const { size } = await fs.stat(temp);
    if (expectedSize !== undefined && size !== expectedSize) {
      throw new InputError(`The upload of ${root.shown(names)} is incomplete`);
    }
    // Its group and mode before it has its name: containers of the data
    // group may overwrite what the portal uploaded.
    await root.share(temp, 'file');
    try {
      await fs.rename(temp, target);
    } catch (error) {
      throw fsError(error, root.shown(names));
    }
    return { path: names.join('/'), size };
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

import { InputError } from '@backstage/errors';
import type { FileUploadResult } from '@internal/plugin-knot-common';
import busboy from 'busboy';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DomainRoot } from './DomainRoot';
import { fsError } from './fsErrors';
import { parseRelativePath, UPLOAD_TEMP_PREFIX } from './safePath';

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
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      preservePath: true,
      defParamCharset: 'utf8',
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
      writeFile(root, folder, info.filename, stream).then(
        result => {
          uploaded.push(result);
        },
        error => {
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

async function writeFile(
  root: DomainRoot,
  folder: string[],
  filename: string | undefined,
  stream: Readable,
): Promise<{ path: string; size: number }> {
  if (!filename) {
    throw new InputError('A file in the upload has no name');
  }
  const relative = parseRelativePath(filename);
  if (relative.length === 0) {
    throw new InputError('A file in the upload has no name');
  }
  const names = [...folder, ...relative];
  const dir = await root.ensureFolder(names.slice(0, -1));
  const target = path.join(dir, names[names.length - 1]);
  const temp = path.join(dir, `${UPLOAD_TEMP_PREFIX}${randomUUID()}`);
  try {
    // flush: fsync before close, so the rename never exposes unwritten data.
    const out = createWriteStream(temp, {
      flags: 'wx',
      mode: 0o644,
      flush: true,
    });
    await pipeline(stream, out);
    if ((stream as Readable & { truncated?: boolean }).truncated) {
      throw new InputError(`${root.shown(names)} is too large`);
    }
    const { size } = await fs.stat(temp);
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

import fs from 'node:fs/promises';
import type { Writable } from 'node:stream';

/** A spooled blob, sent to the registry from disk. */
export interface FileBody {
  file: string;
  size: number;
}

export function isFileBody(body: unknown): body is FileBody {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as FileBody).file === 'string' &&
    typeof (body as FileBody).size === 'number'
  );
}

const CHUNK_BYTES = 256 * 1024;
const BUFFERS = 3;

/**
 * Writes the file's `size` bytes to `out` and ends it, through a few
 * buffers reused once the socket has taken each: a new buffer per chunk is
 * garbage that V8 frees only when such buffers add up to 64 MiB, which is
 * most of the backend's growth during an upload (bench/images/README.md).
 */
export async function writeFileBody(
  body: FileBody,
  out: Writable,
): Promise<void> {
  const handle = await fs.open(body.file, 'r');
  const free = Array.from({ length: BUFFERS }, () =>
    Buffer.allocUnsafeSlow(CHUNK_BYTES),
  );
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  const fail = (error?: Error | null) => {
    failure ??= error ?? new Error('The registry closed the upload');
    wake?.();
  };
  // A request destroyed before its socket connected may never call back
  // its writes: its 'close' ends the wait.
  const closed = () => fail();
  out.once('error', fail);
  out.once('close', closed);
  const returned = () => new Promise<void>(resolve => (wake = resolve));
  const written = (buffer: Buffer) => (error?: Error | null) => {
    if (error) fail(error);
    free.push(buffer);
    wake?.();
  };
  try {
    for (let offset = 0; offset < body.size; ) {
      while (!free.length && !failure) await returned();
      if (failure) throw failure;
      const buffer = free.pop()!;
      const { bytesRead } = await handle.read(
        buffer,
        0,
        Math.min(CHUNK_BYTES, body.size - offset),
        offset,
      );
      if (bytesRead === 0) {
        throw new Error(`${body.file} ends before its ${body.size} bytes`);
      }
      offset += bytesRead;
      out.write(buffer.subarray(0, bytesRead), written(buffer));
    }
    await new Promise<void>((resolve, reject) => {
      out.end(() => (failure ? reject(failure) : resolve()));
      wake = () => failure && reject(failure);
    });
  } finally {
    out.off('error', fail);
    out.off('close', closed);
    await handle.close();
  }
}

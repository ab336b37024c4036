import fs from 'node:fs/promises';
import { HttpStatusError } from '../files/fsErrors';

/** Chunks written together, in one `writev`. */
const BATCH_BYTES = 1024 * 1024;
const BATCH_CHUNKS = 64;

/**
 * Writes `body` to a new file (mode 0600), a batch of chunks at a time;
 * `observe` sees every chunk (a hash). Stops with `signal`'s reason once it
 * is aborted; a full disk is the portal's 507. The caller removes the
 * file, whole or not.
 */
export async function spoolFile(
  body: AsyncIterable<Buffer>,
  file: string,
  options: { signal?: AbortSignal; observe?: (chunk: Buffer) => void } = {},
): Promise<void> {
  const { signal, observe } = options;
  const handle = await fs.open(file, 'wx', 0o600);
  // One batch is written while the next is taken in: waiting for each
  // write before reading on made the sender wait for the thread pool's
  // every round trip, which under load bounded the archive's arrival.
  let writing: Promise<void> | undefined;
  try {
    let batch: Buffer[] = [];
    let bytes = 0;
    const write = async (parts: Buffer[], length: number) => {
      let rest = parts;
      for (let left = length; left > 0; ) {
        const { bytesWritten } = await handle.writev(rest);
        left -= bytesWritten;
        // A short write (a full disk is an error, not this): the rest.
        if (left > 0) rest = [Buffer.concat(rest).subarray(bytesWritten)];
      }
    };
    const flush = async () => {
      signal?.throwIfAborted();
      const parts = batch;
      const length = bytes;
      batch = [];
      bytes = 0;
      // Writes in order, one at a time.
      await writing;
      writing = write(parts, length);
      writing.catch(() => undefined);
    };
    for await (const chunk of body) {
      observe?.(chunk);
      batch.push(chunk);
      bytes += chunk.length;
      if (bytes >= BATCH_BYTES || batch.length >= BATCH_CHUNKS) await flush();
    }
    await flush();
    await writing;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException)?.code;
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      throw new HttpStatusError(
        507,
        'The portal has no room left to take in this image (knot.images.spoolDir is full): try again later, or ask an admin',
      );
    }
    throw error;
  } finally {
    await writing?.catch(() => undefined);
    await handle.close();
  }
}

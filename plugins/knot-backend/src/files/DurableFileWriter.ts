import fs from 'node:fs/promises';
import { Writable } from 'node:stream';

/** How much is written between two background flushes to disk. */
const SYNC_EVERY_BYTES = 64 * 1024 * 1024;

export interface DurableFileWriterOptions {
  highWaterMark: number;
  /** @default 64 MiB */
  syncEveryBytes?: number;
}

/**
 * A write stream to a new file that is on disk when the stream finishes:
 * every `syncEveryBytes` it starts an fdatasync in the background while
 * writing goes on, and it fsyncs once more before 'finish'. The final sync
 * then has little left to flush, where a single fsync at the end of a large
 * upload would wait for all of it (the kernel starts writing dirty pages back
 * only past a share of RAM, gigabytes on this kind of machine).
 *
 * The file is created exclusively (`wx`); the caller removes it on error.
 */
export class DurableFileWriter extends Writable {
  private handle?: fs.FileHandle;
  private unsynced = 0;
  private syncing?: Promise<void>;
  private syncError?: Error;

  private readonly syncEveryBytes: number;

  constructor(
    private readonly file: string,
    options: DurableFileWriterOptions,
  ) {
    super({ highWaterMark: options.highWaterMark });
    this.syncEveryBytes = options.syncEveryBytes ?? SYNC_EVERY_BYTES;
  }

  override _construct(callback: (error?: Error | null) => void): void {
    fs.open(this.file, 'wx', 0o644).then(handle => {
      this.handle = handle;
      callback();
    }, callback);
  }

  override _writev(
    chunks: Array<{ chunk: Buffer }>,
    callback: (error?: Error | null) => void,
  ): void {
    this.writeAll(chunks.map(c => c.chunk)).then(() => callback(), callback);
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    this.writeAll([chunk]).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    (async () => {
      await this.syncing;
      if (this.syncError) throw this.syncError;
      await this.handle!.sync();
    })().then(() => callback(), callback);
  }

  override _destroy(
    error: Error | null,
    callback: (error?: Error | null) => void,
  ): void {
    // Never close the descriptor under a sync still running on it.
    (async () => {
      await this.syncing;
      await this.handle?.close();
    })().then(
      () => callback(error),
      closeError => callback(error ?? closeError),
    );
  }

  private async writeAll(buffers: Buffer[]): Promise<void> {
    let pending = buffers;
    while (pending.length > 0) {
      const { bytesWritten } = await this.handle!.writev(pending);
      if (bytesWritten === 0 && pending.some(b => b.length > 0)) {
        throw new Error(`no progress writing ${this.file}`);
      }
      this.unsynced += bytesWritten;
      pending = remainder(pending, bytesWritten);
    }
    if (this.syncError) throw this.syncError;
    if (this.unsynced >= this.syncEveryBytes && !this.syncing) {
      this.unsynced = 0;
      this.syncing = this.handle!.datasync().then(
        () => {
          this.syncing = undefined;
        },
        error => {
          this.syncing = undefined;
          this.syncError = error;
        },
      );
    }
  }
}

/** What is left of `buffers` after the first `written` bytes. */
function remainder(buffers: Buffer[], written: number): Buffer[] {
  let skip = written;
  let i = 0;
  while (i < buffers.length && skip >= buffers[i].length) {
    skip -= buffers[i].length;
    i++;
  }
  if (i === buffers.length) return [];
  return [buffers[i].subarray(skip), ...buffers.slice(i + 1)];
}

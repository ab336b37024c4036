import fs from 'node:fs/promises';
import { InputError } from '@backstage/errors';
import { isFileBody, type FileBody } from './fileBody';
import { RegistryError, type RegistryClient } from './RegistryClient';

/** What became of a blob of the archive. */
export type BlobOutcome = 'pushed' | 'skipped';

/** The registry's refusal of a blob's content, as the archive's corruption. */
export function corruptBlob(error: unknown, digest: string): unknown {
  if (error instanceof RegistryError && error.code === 'DIGEST_INVALID') {
    return new InputError(
      `The archive is corrupt: the content of ${digest} does not match its digest`,
    );
  }
  return error;
}

/**
 * Pushes the blobs of one upload to its repository, up to `concurrency` at
 * once, while the archive is still arriving: one stream into the registry
 * goes at 190–290 MiB/s here, and crane pushes an image's layers in
 * parallel (bench/images/README.md). A spooled blob's file is deleted as
 * soon as its push ends, however it ends. The first failure aborts the
 * pushes under way and is thrown by `add` and `settle`.
 */
export class BlobPusher {
  /** Blobs this upload stored, to delete when it fails. */
  readonly pushed: string[] = [];
  private readonly outcomes = new Map<string, BlobOutcome | 'queued'>();
  private readonly abort = new AbortController();
  private readonly tasks = new Set<Promise<void>>();
  /** Pushes queued for a free place. */
  private readonly waiting: Array<() => void> = [];
  private free: number;
  private failure?: { error: unknown };

  constructor(
    private readonly registry: RegistryClient,
    private readonly repository: string,
    private readonly concurrency: number,
  ) {
    this.free = concurrency;
  }

  /** Aborted by the first failure, or by `cancel`. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Whether `digest` was handed over already (queued, pushed or skipped). */
  has(digest: string): boolean {
    return this.outcomes.has(digest);
  }

  /** What became of `digest`, once settled. */
  outcome(digest: string): BlobOutcome | undefined {
    const outcome = this.outcomes.get(digest);
    return outcome === 'queued' ? undefined : outcome;
  }

  /** Records a blob the registry has already. */
  skipped(digest: string): void {
    this.outcomes.set(digest, 'skipped');
  }

  /**
   * Queues `body` (a spooled file, or bytes in memory) for its push and
   * returns once no more than `concurrency` blobs wait for a place (itself
   * included): no more spooled files than that wait on disk, and the
   * archive's sender is slowed to the registry's pace.
   */
  async add(digest: string, body: FileBody | Buffer): Promise<void> {
    this.check();
    this.outcomes.set(digest, 'queued');
    const task = this.push(digest, body);
    this.tasks.add(task);
    task.then(() => this.tasks.delete(task));
    while (this.waiting.length > this.concurrency && !this.failure) {
      await Promise.race(this.tasks);
    }
    this.check();
  }

  /** Waits for every push; throws the first failure. */
  async settle(): Promise<void> {
    while (this.tasks.size) await Promise.all([...this.tasks]);
    this.check();
  }

  /** Aborts the pushes under way and waits for them (and their files) to end. */
  async cancel(reason: unknown): Promise<void> {
    this.fail(reason);
    while (this.tasks.size) await Promise.all([...this.tasks]);
  }

  /** Throws the first failure, if any. */
  check(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Never rejects: a failure is recorded, and aborts the other pushes. */
  private async push(digest: string, body: FileBody | Buffer): Promise<void> {
    try {
      await this.acquire();
      try {
        if (this.failure) return;
        await this.registry.pushBlob(
          this.repository,
          body,
          () => digest,
          this.abort.signal,
        );
        this.pushed.push(digest);
        this.outcomes.set(digest, 'pushed');
      } finally {
        this.release();
      }
    } catch (error) {
      this.fail(corruptBlob(error, digest));
    } finally {
      if (isFileBody(body)) {
        await fs.rm(body.file, { force: true }).catch(() => undefined);
      }
    }
  }

  private fail(error: unknown) {
    if (this.failure) return;
    this.failure = { error };
    this.abort.abort(error);
  }

  private acquire(): Promise<void> | void {
    if (this.free > 0) {
      this.free--;
      return undefined;
    }
    return new Promise(resolve => this.waiting.push(resolve));
  }

  private release() {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

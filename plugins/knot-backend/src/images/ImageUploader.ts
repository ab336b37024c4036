import fs from 'node:fs/promises';
import path from 'node:path';
import { ConflictError, InputError } from '@backstage/errors';
import { archivedImage, type ArchivedImageOptions } from './archivedImage';
import { BlobPusher } from './BlobPusher';
import { drainChecked, readImageArchive } from './ImageArchiveReader';
import type { RegistryClient } from './RegistryClient';
import { spoolFile } from './spoolFile';

/** What an upload stored. */
export interface UploadOutcome {
  digest: string;
  size: number;
  uploadedBlobs: number;
  skippedBlobs: number;
}

/**
 * Pushes an exported image, read as it arrives, to `repository:tag`:
 * blobs the registry already has are skipped, digests are checked, and
 * only once every blob is stored are the manifests put — so a refused
 * archive leaves no tag or manifest behind (blobs it had pushed stay,
 * unlisted, for the registry's garbage collection: another upload may use
 * them). Each large blob is spooled once and pushed
 * from disk while the next ones arrive, several at once; its file is
 * deleted once pushed, and the spool folder in every case.
 */
export class ImageUploader {
  constructor(
    private readonly registry: RegistryClient,
    private readonly spoolDir: string,
    /** Blobs pushed at once (`knot.images.pushConcurrency`). */
    private readonly concurrency: number,
    /** What a `.tar.gz`'s tar may unpack to (`knot.images.maxUploadBytes`). */
    private readonly maxUnpackedBytes: number,
  ) {}

  /** `cancelled` aborts the upload (the client went away). */
  async upload(
    repository: string,
    tag: string,
    source: AsyncIterable<Buffer>,
    cancelled?: AbortSignal,
    options: ArchivedImageOptions = {},
  ): Promise<UploadOutcome> {
    if (await this.registry.manifest(repository, tag)) {
      throw new ConflictError(
        `${repository}:${tag} exists already: choose another tag (only an admin can delete it)`,
      );
    }
    let spool: string | undefined;
    const spoolFolder = async () =>
      (spool ??= await fs.mkdtemp(path.join(this.spoolDir, 'knot-image-')));
    let blobFiles = 0;
    const pusher = new BlobPusher(this.registry, repository, this.concurrency);
    const cancel = () =>
      pusher.cancel(cancelled?.reason ?? new Error('The upload was cancelled'));
    cancelled?.addEventListener('abort', cancel);
    if (cancelled?.aborted) cancel();
    try {
      const contents = await readImageArchive(source, {
        spoolFolder,
        signal: pusher.signal,
        maxUnpackedBytes: this.maxUnpackedBytes,
        sink: {
          blob: async (digest, size, body) => {
            pusher.check();
            if (
              pusher.has(digest) ||
              (await this.registry.hasBlob(repository, digest))
            ) {
              // Read and hashed all the same: the archive must be intact.
              await drainChecked(body, digest);
              if (!pusher.has(digest)) pusher.skipped(digest);
              return;
            }
            // Not hashed here: the registry hashes what it stores and
            // refuses a blob that is not `digest` (hashing it here too cost
            // 1.5 s of CPU a GiB, half the backend's work).
            const file = path.join(await spoolFolder(), `blob-${blobFiles++}`);
            await spoolFile(body, file, { signal: pusher.signal });
            await pusher.add(digest, { file, size });
          },
          // A docker save layer, hashed as it was spooled: pushed already,
          // though only the archive's end tells whether it is a layer.
          spooled: async ({ file, digest, size }) => {
            pusher.check();
            if (pusher.has(digest)) {
              await fs.rm(file, { force: true });
            } else if (await this.registry.hasBlob(repository, digest)) {
              pusher.skipped(digest);
              await fs.rm(file, { force: true });
            } else {
              await pusher.add(digest, { file, size });
            }
          },
        },
      });
      const image = archivedImage(contents, options);
      // Pushed by the browser (`absentInRegistry`): accepted only when the
      // registry has them in this repository, with the size declared.
      for (const blob of image.absent) {
        const stored = await this.registry.blobSize(repository, blob.digest);
        if (stored !== blob.size) {
          throw new InputError(
            stored === undefined
              ? `The archive is incomplete: ${blob.digest} is neither in it nor in the registry`
              : `The registry holds ${blob.digest} with ${stored} bytes, not the ${blob.size} the image declares`,
          );
        }
        pusher.skipped(blob.digest);
      }
      for (const blob of image.blobs) {
        if (pusher.has(blob.digest)) continue;
        if (await this.registry.hasBlob(repository, blob.digest)) {
          pusher.skipped(blob.digest);
        } else {
          await pusher.add(blob.digest, blob.body);
        }
      }
      await pusher.settle();
      for (const child of image.children) {
        await this.registry.putManifest(
          repository,
          child.digest,
          child.mediaType,
          child.body,
        );
      }
      await this.registry.putManifest(
        repository,
        tag,
        image.top.mediaType,
        image.top.body,
      );
      // Spooled files that were no layer of the image after all.
      for (const digest of pusher.pushed) {
        if (!image.digests.includes(digest)) {
          await this.registry.deleteBlob(repository, digest);
        }
      }
      const pushed = image.digests.filter(
        d => pusher.outcome(d) === 'pushed',
      ).length;
      return {
        digest: image.top.digest,
        size: image.size,
        uploadedBlobs: pushed,
        skippedBlobs: image.digests.length - pushed,
      };
    } catch (error) {
      // Blobs already pushed stay (unreferenced, not listed: no tag) until
      // the registry's garbage collection, as a browser push's do: another
      // upload into this repository may have found one here, skipped it
      // and put an image that uses it (two images on one base layer, one
      // of them cancelled), and deleting it would break that image.
      await pusher.cancel(error);
      throw error;
    } finally {
      cancelled?.removeEventListener('abort', cancel);
      if (spool) await fs.rm(spool, { recursive: true, force: true });
    }
  }
}

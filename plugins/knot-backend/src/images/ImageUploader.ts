import fs from 'node:fs/promises';
import path from 'node:path';
import { ConflictError, InputError } from '@backstage/errors';
import { archivedImage } from './archivedImage';
import { drainChecked, readImageArchive } from './ImageArchiveReader';
import { RegistryError, type RegistryClient } from './RegistryClient';

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
 * archive leaves no tag or manifest behind (blobs it had pushed are deleted
 * where the registry allows). The spool folder is removed in every case.
 */
export class ImageUploader {
  constructor(
    private readonly registry: RegistryClient,
    private readonly spoolDir: string,
  ) {}

  async upload(
    repository: string,
    tag: string,
    source: AsyncIterable<Buffer>,
  ): Promise<UploadOutcome> {
    if (await this.registry.manifest(repository, tag)) {
      throw new ConflictError(
        `${repository}:${tag} exists already: choose another tag (only an admin can delete it)`,
      );
    }
    let spool: string | undefined;
    const pushed: string[] = [];
    let uploadedBlobs = 0;
    let skippedBlobs = 0;
    try {
      const contents = await readImageArchive(source, {
        spoolFolder: async () =>
          (spool ??= await fs.mkdtemp(path.join(this.spoolDir, 'knot-image-'))),
        sink: {
          blob: async (digest, _size, body) => {
            if (await this.registry.hasBlob(repository, digest)) {
              // Read and hashed all the same: the archive must be intact.
              await drainChecked(body, digest);
              skippedBlobs++;
              return;
            }
            // The registry hashes what it stores and refuses a blob that
            // is not `digest`: hashing it here too cost the backend 1.5 s
            // of CPU a GiB, half its work (bench/images/README.md).
            await this.registry
              .pushBlob(repository, body, () => digest)
              .catch(error => {
                if (
                  error instanceof RegistryError &&
                  error.code === 'DIGEST_INVALID'
                ) {
                  throw new InputError(
                    `The archive is corrupt: the content of ${digest} does not match its digest`,
                  );
                }
                throw error;
              });
            pushed.push(digest);
            uploadedBlobs++;
          },
        },
      });
      const image = archivedImage(contents);
      for (const blob of image.blobs) {
        if (await this.registry.hasBlob(repository, blob.digest)) {
          skippedBlobs++;
          continue;
        }
        await this.registry.pushBlob(
          repository,
          blob.open(),
          () => blob.digest,
        );
        pushed.push(blob.digest);
        uploadedBlobs++;
      }
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
      return {
        digest: image.top.digest,
        size: image.size,
        uploadedBlobs,
        skippedBlobs,
      };
    } catch (error) {
      for (const digest of pushed) {
        await this.registry.deleteBlob(repository, digest);
      }
      throw error;
    } finally {
      if (spool) await fs.rm(spool, { recursive: true, force: true });
    }
  }
}

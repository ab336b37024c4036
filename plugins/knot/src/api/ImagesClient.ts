import {
  planLayoutPush,
  pushLayoutBlobs,
  type KnotImageList,
  type KnotImagePushGrant,
  type KnotImageUploadResult,
} from '@knot-platform/plugin-knot-common';
import type { ImagesApi } from './ImagesApi';
import { xhrRegistryTransport } from './xhrRegistryTransport';
import {
  KnotFetch,
  type KnotFetchOptions,
  type KnotTransfer,
} from './KnotFetch';

/** Talks to knot-backend's `/api/knot/images` as the selected profile. */
export class ImagesClient implements ImagesApi {
  private readonly backend: KnotFetch;

  constructor(private readonly options: KnotFetchOptions) {
    this.backend = new KnotFetch(options);
  }

  listImages(page: {
    filter: string;
    offset: number;
    limit: number;
  }): Promise<KnotImageList> {
    const query = new URLSearchParams({
      filter: page.filter,
      offset: String(page.offset),
      limit: String(page.limit),
    });
    return this.backend.json<KnotImageList>(`/images?${query}`);
  }

  uploadImage(
    repository: string,
    tag: string,
    file: Blob,
    onProgress: (sent: number, total: number) => void,
    options: { browserPushUrl?: string } = {},
  ): KnotTransfer<KnotImageUploadResult> {
    const query = new URLSearchParams({ repository, tag });
    if (!options.browserPushUrl) {
      return this.backend.put<KnotImageUploadResult>(
        `/images/upload?${query}`,
        file,
        onProgress,
      );
    }
    // One transfer for the caller: the layers' pushes, then the archive
    // without them; cancel stops whichever is under way.
    const stop = new AbortController();
    let put: KnotTransfer<KnotImageUploadResult> | undefined;
    const send = (
      body: Blob,
      pushed: boolean,
      before: number,
      total: number,
    ) => {
      stop.signal.throwIfAborted();
      if (pushed) query.set('pushed', 'browser');
      put = this.backend.put<KnotImageUploadResult>(
        `/images/upload?${query}`,
        body,
        sent => onProgress(before + sent, total),
      );
      return put.done;
    };
    const done = (async () => {
      const plan = await planLayoutPush(file);
      // Gzipped, legacy docker save, or nothing large: the portal takes it.
      if (!plan?.blobs.length) return send(file, false, 0, file.size);
      const grant = await this.backend.json<KnotImagePushGrant>(
        '/images/pushes',
        {
          method: 'POST',
          json: {
            repository,
            tag,
            blobs: plan.blobs.map(({ digest, size }) => ({ digest, size })),
          },
          signal: stop.signal,
        },
      );
      const missing = new Set(grant.missing);
      const pushedBytes = plan.blobs
        .filter(b => missing.has(b.digest))
        .reduce((sum, b) => sum + b.size, 0);
      const total = pushedBytes + plan.slim.size;
      const { token } = await this.options.identityApi.getCredentials();
      await pushLayoutBlobs({
        file,
        plan,
        grant,
        repository,
        transport: xhrRegistryTransport,
        headers: token ? { Authorization: `Bearer ${token}` } : {},
        signal: stop.signal,
        onProgress: sent => onProgress(sent, total),
      });
      const result = await send(plan.slim, true, pushedBytes, total);
      // The portal counts what it pushed; the browser pushed the rest.
      return {
        ...result,
        uploadedBlobs: result.uploadedBlobs + missing.size,
        skippedBlobs: result.skippedBlobs - missing.size,
      };
    })();
    return {
      done,
      cancel: () => {
        stop.abort(new Error('Cancelled'));
        put?.cancel();
      },
    };
  }

  async deleteImage(repository: string, tag?: string): Promise<void> {
    const query = new URLSearchParams({ repository, ...(tag ? { tag } : {}) });
    await this.backend.fetch(`/images?${query}`, { method: 'DELETE' });
  }
}

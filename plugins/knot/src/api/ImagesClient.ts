import type {
  KnotImageList,
  KnotImageUploadResult,
} from '@knot-platform/plugin-knot-common';
import type { ImagesApi } from './ImagesApi';
import {
  KnotFetch,
  type KnotFetchOptions,
  type KnotTransfer,
} from './KnotFetch';

/** Talks to knot-backend's `/api/knot/images` as the selected profile. */
export class ImagesClient implements ImagesApi {
  private readonly backend: KnotFetch;

  constructor(options: KnotFetchOptions) {
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
  ): KnotTransfer<KnotImageUploadResult> {
    const query = new URLSearchParams({ repository, tag });
    return this.backend.put<KnotImageUploadResult>(
      `/images/upload?${query}`,
      file,
      onProgress,
    );
  }

  async deleteImage(repository: string, tag?: string): Promise<void> {
    const query = new URLSearchParams({ repository, ...(tag ? { tag } : {}) });
    await this.backend.fetch(`/images?${query}`, { method: 'DELETE' });
  }
}

import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  KnotImageList,
  KnotImageUploadResult,
} from '@knot-platform/plugin-knot-common';
import type { KnotTransfer } from './KnotFetch';

/** The container registry as the acting profile sees it (`/api/knot/images`). */
export interface ImagesApi {
  listImages(page: {
    filter: string;
    offset: number;
    limit: number;
  }): Promise<KnotImageList>;
  /**
   * Uploads an exported image file; reports bytes sent as they go. With
   * `browserPushUrl` (from the list), an OCI layout's large layers go
   * straight to the registry there, the rest through the portal.
   */
  uploadImage(
    repository: string,
    tag: string,
    file: Blob,
    onProgress: (sent: number, total: number) => void,
    options?: { browserPushUrl?: string },
  ): KnotTransfer<KnotImageUploadResult>;
  /** Deletes a tag, or the whole repository without one (admins only). */
  deleteImage(repository: string, tag?: string): Promise<void>;
}

export const imagesApiRef = createApiRef<ImagesApi>({
  id: 'plugin.knot.images',
});

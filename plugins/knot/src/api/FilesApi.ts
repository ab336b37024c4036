import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  FileDomain,
  FileListing,
  FileListOptions,
  FileUploadResult,
} from '@knot-platform/plugin-knot-common';
import type { KnotTransfer } from './KnotFetch';

/** An upload under way: its result, and a way to stop it. */
export type UploadHandle = KnotTransfer<FileUploadResult>;

/** The knot file API (private and shared folders) as the frontend sees it. */
export interface FilesApi {
  list(
    domain: FileDomain,
    path: string,
    options?: FileListOptions,
  ): Promise<FileListing>;
  /**
   * Uploads one file into `folder`; `name` may hold a relative path
   * (`sub/a.txt`) for folder uploads. Reports bytes sent as they go.
   */
  upload(
    domain: FileDomain,
    folder: string,
    file: Blob,
    name: string,
    onProgress: (sent: number, total: number) => void,
  ): UploadHandle;
  /** Downloads a file, or a folder as a zip, through the browser. */
  download(
    domain: FileDomain,
    path: string,
    kind: 'file' | 'zip',
  ): Promise<void>;
  mkdir(domain: FileDomain, path: string): Promise<void>;
  rename(domain: FileDomain, from: string, to: string): Promise<void>;
  remove(domain: FileDomain, path: string): Promise<void>;
}

export const filesApiRef = createApiRef<FilesApi>({ id: 'plugin.knot.files' });

import type {
  FileDomain,
  FileListing,
  FileListOptions,
  FileUploadResult,
} from '@knot-platform/plugin-knot-common';
import type { FilesApi, UploadHandle } from './FilesApi';
import {
  KnotFetch,
  type KnotFetchOptions,
  type KnotRequest,
} from './KnotFetch';

/** Talks to knot-backend's file routes, `/api/knot/files/:domain/...`. */
export class FilesClient implements FilesApi {
  private readonly backend: KnotFetch;

  constructor(options: KnotFetchOptions) {
    this.backend = new KnotFetch(options);
  }

  async list(domain: FileDomain, path: string, options: FileListOptions = {}) {
    const query = new URLSearchParams({ path });
    for (const [key, value] of Object.entries(options)) {
      if (value !== undefined) query.set(key, String(value));
    }
    const res = await this.call(`/${domain}/list?${query}`);
    return (await res.json()) as FileListing;
  }

  upload(
    domain: FileDomain,
    folder: string,
    file: Blob,
    name: string,
    onProgress: (sent: number, total: number) => void,
  ): UploadHandle {
    // The file is the raw body: nothing to parse on the way to disk.
    const target = folder ? `${folder}/${name}` : name;
    return this.backend.put<FileUploadResult>(
      `/files/${domain}/file?${new URLSearchParams({ path: target })}`,
      file,
      onProgress,
    );
  }

  async download(domain: FileDomain, path: string, kind: 'file' | 'zip') {
    const res = await this.call(
      `/${domain}/${kind === 'zip' ? 'zip' : 'download'}?${new URLSearchParams({
        path,
      })}`,
    );
    // The browser keeps large blobs on disk, not in memory.
    const blob = await res.blob();
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    const base = path.split('/').pop() || domain;
    a.href = url;
    a.download = kind === 'zip' ? `${base}.zip` : base;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  async mkdir(domain: FileDomain, path: string) {
    await this.call(`/${domain}/mkdir`, { method: 'POST', json: { path } });
  }

  async rename(domain: FileDomain, from: string, to: string) {
    await this.call(`/${domain}/rename`, {
      method: 'POST',
      json: { from, to },
    });
  }

  async remove(domain: FileDomain, path: string) {
    await this.call(`/${domain}?${new URLSearchParams({ path })}`, {
      method: 'DELETE',
    });
  }

  private call(path: string, request?: KnotRequest): Promise<Response> {
    return this.backend.fetch(`/files${path}`, request);
  }
}

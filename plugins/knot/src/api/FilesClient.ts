import type {
  DiscoveryApi,
  FetchApi,
  IdentityApi,
} from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  FileDomain,
  FileListing,
  FileUploadResult,
} from '@knot-platform/plugin-knot-common';
import type { FilesApi, ListOptions, UploadHandle } from './FilesApi';
import { profileHeaders } from './selectedProfile';

/** The backend refused or failed: `message` is the backend's own words. */
export class FilesError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'FilesError';
  }
}

/**
 * Talks to `/api/knot/files`. JSON calls go through the app's authenticated
 * fetch; uploads use XMLHttpRequest, the only browser API that reports
 * upload progress, with the same Backstage token set by hand.
 */
export class FilesClient implements FilesApi {
  constructor(
    private readonly deps: {
      fetchApi: FetchApi;
      discoveryApi: DiscoveryApi;
      identityApi: IdentityApi;
    },
  ) {}

  async list(domain: FileDomain, path: string, options: ListOptions = {}) {
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
    const xhr = new XMLHttpRequest();
    let cancelled = false;
    const done = (async () => {
      const [base, { token }] = await Promise.all([
        this.deps.discoveryApi.getBaseUrl('knot'),
        this.deps.identityApi.getCredentials(),
      ]);
      if (cancelled) throw new FilesError('Cancelled');
      // The file is the raw body: nothing to parse on the way to disk.
      const target = folder ? `${folder}/${name}` : name;
      return new Promise<FileUploadResult>((resolve, reject) => {
        xhr.open(
          'PUT',
          `${base}/files/${domain}/file?${new URLSearchParams({
            path: target,
          })}`,
        );
        xhr.setRequestHeader('Content-Type', 'application/octet-stream');
        if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
        for (const [header, value] of Object.entries(profileHeaders())) {
          xhr.setRequestHeader(header, value);
        }
        xhr.upload.onprogress = e => onProgress(e.loaded, e.total || file.size);
        xhr.onload = () => {
          if (xhr.status >= 200 && xhr.status < 300) {
            resolve(JSON.parse(xhr.responseText) as FileUploadResult);
          } else {
            reject(
              new FilesError(
                messageOf(xhr.responseText, xhr.status),
                xhr.status,
              ),
            );
          }
        };
        xhr.onerror = () =>
          reject(
            new FilesError(
              'The upload failed: the connection to the portal was lost',
            ),
          );
        xhr.onabort = () => reject(new FilesError('Cancelled'));
        xhr.send(file);
      });
    })();
    return {
      done,
      cancel: () => {
        cancelled = true;
        xhr.abort();
      },
    };
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

  private async call(
    path: string,
    init: { method?: string; json?: unknown } = {},
  ): Promise<Response> {
    const res = await this.deps.fetchApi.fetch(`plugin://knot/files${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...profileHeaders(),
        ...(init.json !== undefined && { 'Content-Type': 'application/json' }),
      },
      ...(init.json !== undefined && { body: JSON.stringify(init.json) }),
    });
    if (!res.ok) {
      const error = await ResponseError.fromResponse(res);
      throw new FilesError(
        error.body?.error?.message ?? statusMessage(res.status),
        res.status,
      );
    }
    return res;
  }
}

function messageOf(body: string, status: number): string {
  try {
    return JSON.parse(body).error.message ?? statusMessage(status);
  } catch {
    return statusMessage(status);
  }
}

function statusMessage(status: number): string {
  if (status === 401) return 'Your session has expired: sign in again';
  if (status === 413) return 'The file is too large';
  if (status >= 500) return 'The portal failed to do this; try again later';
  return `The request was refused (${status})`;
}

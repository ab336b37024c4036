/**
 * The Knot file API (`/api/knot/files/...`) as both ends see it. Paths in
 * requests and answers are relative to the domain root, `/`-separated, without
 * a leading slash; `''` is the root itself.
 */

/** The two data domains: the profile's own folder and the shared folder. */
export type FileDomain = 'private' | 'shared';

export const FILE_DOMAINS: readonly FileDomain[] = ['private', 'shared'];

/** Where each domain appears inside containers. */
export const FILE_DOMAIN_MOUNT_PATHS: Record<FileDomain, string> = {
  private: '/private',
  shared: '/shared',
};

export type FileEntryType = 'file' | 'directory' | 'symlink' | 'other';

export interface FileEntry {
  name: string;
  /** Path relative to the domain root. */
  path: string;
  type: FileEntryType;
  /** Bytes (0 for folders). */
  size: number;
  /** ISO 8601 modification time. */
  modified: string;
}

export type FileSortKey = 'name' | 'size' | 'modified';
export type FileSortOrder = 'asc' | 'desc';

/** The query of a folder listing besides its `path`: order and page. */
export interface FileListOptions {
  sort?: FileSortKey;
  order?: FileSortOrder;
  offset?: number;
  limit?: number;
}

/** One page of a folder listing; folders always come before files. */
export interface FileListing {
  domain: FileDomain;
  path: string;
  entries: FileEntry[];
  /** Entries in the whole folder. */
  total: number;
  offset: number;
  limit: number;
}

export interface FileUploadResult {
  uploaded: { path: string; size: number }[];
}

/** The longest page of a listing the backend answers. */
export const MAX_FILE_LISTING_LIMIT = 10000;

/** The in-container path of a domain-relative path (`/private/a/b`). */
export function containerPath(domain: FileDomain, path: string): string {
  const base = FILE_DOMAIN_MOUNT_PATHS[domain];
  return path ? `${base}/${path}` : base;
}

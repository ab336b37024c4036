import path from 'node:path';
import type { Config } from '@backstage/config';

/**
 * `knot.storage` as the file API sees it. Relative folders are resolved
 * against the backend's working directory, like
 * `backend.database.connection.directory` (packages/backend in development).
 */
export interface FilesConfig {
  /** Holds one folder per profile; the file API answers 503 without it. */
  privateDir?: string;
  sharedDir?: string;
  /** Per-profile quota of the private folder, enforced on upload. */
  privateQuotaBytes?: number;
  /** The data domains' group (see dataGroup.ts); owner-only without one. */
  groupId?: number;
}

export function readFilesConfig(config: Config): FilesConfig {
  const dir = (key: string) => {
    const value = config.getOptionalString(`knot.storage.${key}`);
    return value === undefined ? undefined : path.resolve(value);
  };
  const quotaMiB = config.getOptionalNumber('knot.storage.privateQuotaMiB');
  return {
    privateDir: dir('privateDir'),
    sharedDir: dir('sharedDir'),
    privateQuotaBytes:
      quotaMiB === undefined ? undefined : quotaMiB * 1024 * 1024,
    groupId: config.getOptionalNumber('knot.storage.groupId'),
  };
}

import { InputError, ServiceUnavailableError } from '@backstage/errors';
import {
  USERNAME_PATTERN,
  type FileDomain,
} from '@knot-platform/plugin-knot-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FilesConfig } from './config';
import {
  ensureDataFolder,
  PRIVATE_FOLDER_MODE_WITHOUT_GROUP,
} from './dataGroup';
import { DomainRoot } from './DomainRoot';

/** A profile's private-folder quota in bytes; undefined: none. */
export type PrivateQuotaLookup = (
  profile: string,
) => Promise<number | undefined>;

/**
 * Where the data domains live on the backend's filesystem: the private
 * domain of profile `p` is `<privateDir>/<p>` (created on first use: 0700,
 * or 2770 of the data group, see dataGroup.ts), the shared domain is
 * `sharedDir`.
 */
export class FileStorage {
  /**
   * `privateQuotaOf`: a profile's own private-folder quota in bytes (an
   * admin's override, see quotas/ProfileQuotas.ts) instead of the config's.
   */
  static fromConfig(
    config: FilesConfig,
    privateQuotaOf?: PrivateQuotaLookup,
  ): FileStorage {
    return new FileStorage(
      config.privateDir,
      config.sharedDir,
      config.privateQuotaBytes,
      config.groupId,
      privateQuotaOf,
    );
  }

  constructor(
    private readonly privateDir: string | undefined,
    private readonly sharedDir: string | undefined,
    private readonly privateQuotaBytes?: number,
    private readonly groupId?: number,
    private readonly privateQuotaOf?: PrivateQuotaLookup,
  ) {}

  /** The domain root of a profile, created if missing. */
  async root(profile: string, domain: string): Promise<DomainRoot> {
    if (domain === 'private') {
      if (!USERNAME_PATTERN.test(profile)) {
        // Names come from the resolver; this only guards the path join.
        throw new InputError('This profile has no private folder');
      }
      const base = this.configured('privateDir', this.privateDir);
      await fs.mkdir(base, { recursive: true, mode: 0o711 });
      const own = path.join(base, profile);
      await ensureDataFolder(
        own,
        this.groupId,
        PRIVATE_FOLDER_MODE_WITHOUT_GROUP,
      );
      const quota = this.privateQuotaOf
        ? await this.privateQuotaOf(profile)
        : this.privateQuotaBytes;
      return this.domainRoot('private', own, quota);
    }
    if (domain === 'shared') {
      const shared = this.configured('sharedDir', this.sharedDir);
      await ensureDataFolder(shared, this.groupId);
      return this.domainRoot('shared', shared);
    }
    throw new InputError(`Unknown folder '${domain}': use private or shared`);
  }

  private configured(key: string, value: string | undefined): string {
    if (!value) {
      throw new ServiceUnavailableError(
        `File storage is not configured (knot.storage.${key})`,
      );
    }
    return value;
  }

  private async domainRoot(domain: FileDomain, dir: string, quota?: number) {
    return new DomainRoot(domain, await fs.realpath(dir), quota, this.groupId);
  }
}

import fs from 'node:fs/promises';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  USERNAME_PATTERN,
  type ProvisioningAction,
} from '@knot-platform/plugin-knot-common';
import type { ProvisioningConfig } from './config';
import { privateFolder } from './manifests';
import type { ProfileSource } from './ProfileSource';

/**
 * The private folders removed profiles left behind (kept because
 * `knot.storage.deleteFoldersOnRemoval` is false), which an admin lists and
 * deletes one by one.
 */
export class LeftoverFolders {
  constructor(
    private readonly options: {
      source: ProfileSource;
      config: Pick<ProvisioningConfig, 'privateDir'>;
      logger: LoggerService;
    },
  ) {}

  /** The names of the folders whose profile no longer exists. */
  async list(): Promise<string[]> {
    const names = new Set(
      (await this.options.source.listProfiles()).map(t => t.name),
    );
    const entries = await fs
      .readdir(this.options.config.privateDir, { withFileTypes: true })
      .catch(() => []);
    return entries
      .filter(
        e =>
          e.isDirectory() &&
          USERNAME_PATTERN.test(e.name) &&
          !names.has(e.name),
      )
      .map(e => e.name)
      .sort();
  }

  /** Deletes the leftover folder of a removed profile (admin-confirmed). */
  async delete(name: string): Promise<ProvisioningAction> {
    if (!USERNAME_PATTERN.test(name)) {
      throw new InputError(`'${name}' is not a user or team name`);
    }
    const profiles = await this.options.source.listProfiles();
    if (profiles.some(t => t.name === name)) {
      throw new ConflictError(
        `'${name}' still exists: only folders of removed profiles can be deleted`,
      );
    }
    const folder = privateFolder(this.options.config, name);
    const exists = await fs
      .stat(folder)
      .then(s => s.isDirectory())
      .catch(() => false);
    if (!exists) {
      throw new NotFoundError(`No folder left for '${name}'`);
    }
    await fs.rm(folder, { recursive: true, force: true });
    const action: ProvisioningAction = {
      profile: name,
      kind: 'Folder',
      name: folder,
      action: 'deleted',
      detail: 'confirmed by an admin',
    };
    this.options.logger.info(`provisioning: deleted Folder ${folder}`);
    return action;
  }
}

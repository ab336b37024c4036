import { InputError, NotAllowedError } from '@backstage/errors';
import {
  imageRepositoryProblem,
  type KnotImageArea,
} from '@knot-platform/plugin-knot-common';
import type { ImagesConfig } from './config';

/**
 * The registry's areas as one profile sees them: the shared area and the
 * profile's own (`knot.images.areas`). Repositories are compared by whole
 * path components, so profile `al` has nothing in `alice/`.
 */
export class ImageAreas {
  readonly shared: string;
  readonly profile: string;

  constructor(
    private readonly config: ImagesConfig['areas'],
    profileName: string,
  ) {
    this.shared = config.shared;
    this.profile = config.profile.replaceAll('{profile}', profileName);
  }

  /** The area a repository is in, if the profile sees it. */
  areaOf(repository: string): KnotImageArea | undefined {
    if (repository.startsWith(`${this.profile}/`)) return 'profile';
    if (repository.startsWith(`${this.shared}/`)) return 'shared';
    return undefined;
  }

  /** Whether the profile may upload into the shared area. */
  maySharedUpload(admin: boolean): boolean {
    return admin || this.config.sharedUploads === 'everyone';
  }

  /** Refuses (400/403) a repository the profile may not upload into. */
  checkUpload(repository: string, admin: boolean): void {
    const problem = imageRepositoryProblem(repository);
    if (problem) throw new InputError(problem);
    const area = this.areaOf(repository);
    if (area === 'profile') return;
    if (area === 'shared') {
      if (this.maySharedUpload(admin)) return;
      throw new NotAllowedError(
        `Only admins may upload into the shared area (${this.shared}/): use ${this.profile}/`,
      );
    }
    throw new NotAllowedError(
      `You may upload only into your own area (${this.profile}/)${
        this.maySharedUpload(admin)
          ? ` or the shared area (${this.shared}/)`
          : ''
      }`,
    );
  }
}

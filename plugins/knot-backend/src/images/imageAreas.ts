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
  /**
   * False when the profile's area would be the shared area, lie in it or
   * hold it (a user or team named like the shared area, `library` with
   * `areas.shared: library`): such a profile owns no area, and the shared
   * area stays the shared area's rules.
   */
  private readonly ownsArea: boolean;

  constructor(
    private readonly config: ImagesConfig['areas'],
    profileName: string,
  ) {
    this.shared = config.shared;
    this.profile = config.profile.replaceAll('{profile}', profileName);
    const within = (inner: string, outer: string) =>
      inner === outer || inner.startsWith(`${outer}/`);
    this.ownsArea = !(
      within(this.profile, this.shared) || within(this.shared, this.profile)
    );
  }

  /** The area a repository is in, if the profile sees it. */
  areaOf(repository: string): KnotImageArea | undefined {
    if (this.ownsArea && repository.startsWith(`${this.profile}/`)) {
      return 'profile';
    }
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
    if (!this.ownsArea) {
      throw new NotAllowedError(
        `This profile has no area of its own: ${this.profile}/ would be the shared area's (${this.shared}/)`,
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

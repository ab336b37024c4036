import { NotAllowedError, InputError } from '@backstage/errors';
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  containerPath,
  type FileDomain,
} from '@knot-platform/plugin-knot-common';
import { shareWithDataGroup } from './dataGroup';
import { fsError } from './fsErrors';
import { isWithin } from './safePath';

/** Reading a file: a final symlink not followed, a FIFO never waited on. */
const READ_ONLY_NO_LINK =
  constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * One data domain of one profile: a real folder on the backend's filesystem.
 * Every path a request names is resolved here, with realpath, so that no
 * symlink can lead outside the folder. Names must come from
 * `parseRelativePath` (no separators, no `..`).
 */
export class DomainRoot {
  constructor(
    readonly domain: FileDomain,
    readonly realRoot: string,
    /** Most bytes the domain may hold, enforced on upload; none if unset. */
    readonly quotaBytes?: number,
    /** The data group new entries get (dataGroup.ts); none if unset. */
    readonly groupId?: number,
  ) {}

  /** Gives a new folder or file the data group's ownership and mode. */
  async share(real: string, kind: 'folder' | 'file'): Promise<void> {
    await shareWithDataGroup(real, kind, this.groupId);
  }

  /** The path as users see it inside containers (`/private/a/b`). */
  shown(names: string[]): string {
    return containerPath(this.domain, names.join('/'));
  }

  /**
   * The real path of an existing entry. Symlinks are followed, but only as
   * long as they stay inside the domain (403 otherwise).
   */
  async existing(names: string[]): Promise<string> {
    let real: string;
    try {
      real = await fs.realpath(path.join(this.realRoot, ...names));
    } catch (error) {
      // Whether something exists behind a link out of the domain is none
      // of the caller's business: answer as for an existing one.
      await this.refuseOutside(names.slice(0, -1), names);
      throw fsError(error, this.shown(names));
    }
    if (!isWithin(this.realRoot, real)) {
      throw this.outside(names);
    }
    return real;
  }

  /** Refuses when the deepest existing ancestor lies outside the domain. */
  private async refuseOutside(ancestor: string[], names: string[]) {
    for (let n = ancestor.length; n > 0; n--) {
      const real = await fs
        .realpath(path.join(this.realRoot, ...ancestor.slice(0, n)))
        .catch(() => undefined);
      if (real !== undefined) {
        if (!isWithin(this.realRoot, real)) throw this.outside(names);
        return;
      }
    }
  }

  private outside(names: string[]): Error {
    return new NotAllowedError(
      `${this.shown(names)} leads outside ${this.shown([])}`,
    );
  }

  /** The real path of an existing folder. */
  async folder(names: string[]): Promise<string> {
    const real = await this.existing(names);
    const stat = await fs.stat(real);
    if (!stat.isDirectory()) {
      throw new InputError(`${this.shown(names)} is not a folder`);
    }
    return real;
  }

  /**
   * An entry itself, not followed: its real parent folder joined with its
   * name. For operations on the name (create, rename, delete), which then
   * never touch what a symlink points to.
   */
  async entry(names: string[]): Promise<string> {
    if (names.length === 0) {
      throw new InputError(`This cannot be done to ${this.shown([])} itself`);
    }
    const parent = await this.folder(names.slice(0, -1));
    return path.join(parent, names[names.length - 1]);
  }

  /**
   * Creates the missing folders of `names` one at a time, each checked, and
   * returns the real path of the last one.
   */
  async ensureFolder(names: string[]): Promise<string> {
    let real = this.realRoot;
    for (let i = 0; i < names.length; i++) {
      const next = path.join(real, names[i]);
      try {
        await fs.mkdir(next);
        await this.share(next, 'folder');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw fsError(error, this.shown(names.slice(0, i + 1)));
        }
      }
      real = await this.folder(names.slice(0, i + 1));
    }
    return real;
  }

  /** Whether a real path may be read (for entries found while walking). */
  contains(real: string): boolean {
    return isWithin(this.realRoot, real);
  }

  /**
   * Whether an open file lies inside the domain: what was opened, not the
   * path that was checked before. A container may swap a folder or a file
   * of its own for a link out (to another profile's folder) between the
   * check and the open; the file descriptor tells where the open landed.
   */
  private async opensInside(handle: fs.FileHandle, real: string) {
    const opened = await fs
      .readlink(`/proc/self/fd/${handle.fd}`)
      .catch(() => undefined);
    if (opened !== undefined) return isWithin(this.realRoot, opened);
    // No /proc (not Linux): the checked path must still be this very file.
    const [now, was] = await Promise.all([
      handle.stat(),
      fs.lstat(real).catch(() => undefined),
    ]);
    return !!was && now.dev === was.dev && now.ino === was.ino;
  }

  /**
   * Why an opened file may not be read: not a regular file, or not inside
   * the domain; undefined when it may.
   */
  private async openedProblem(
    handle: fs.FileHandle,
    real: string,
  ): Promise<'not-a-file' | 'outside' | undefined> {
    if (!(await handle.stat()).isFile()) return 'not-a-file';
    return (await this.opensInside(handle, real)) ? undefined : 'outside';
  }

  /**
   * Opens a regular file at a real path for reading, or undefined when it
   * is none or lies outside the domain: the last name not followed, a FIFO
   * never waited on (O_NONBLOCK), the opened file checked.
   */
  async openWithin(real: string): Promise<fs.FileHandle | undefined> {
    const handle = await fs
      .open(real, READ_ONLY_NO_LINK)
      .catch(() => undefined);
    if (!handle || !(await this.openedProblem(handle, real))) return handle;
    await handle.close();
    return undefined;
  }

  /** Opens an existing regular file for reading, checked as {@link openWithin}. */
  async openFile(
    names: string[],
  ): Promise<{ real: string; handle: fs.FileHandle }> {
    const real = await this.existing(names);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(real, READ_ONLY_NO_LINK);
    } catch (error) {
      throw fsError(error, this.shown(names));
    }
    const problem = await this.openedProblem(handle, real);
    if (problem) {
      await handle.close();
      throw problem === 'outside'
        ? this.outside(names)
        : new InputError(`${this.shown(names)} is not a file`);
    }
    return { real, handle };
  }
}

import { ConflictError, InputError } from '@backstage/errors';
import fs from 'node:fs/promises';
import type { DomainRoot } from './DomainRoot';
import { fsError } from './fsErrors';

/** Creates one folder; its parent must exist. */
export async function makeFolder(
  root: DomainRoot,
  names: string[],
): Promise<void> {
  const target = await root.entry(names);
  try {
    await fs.mkdir(target);
    await root.share(target, 'folder');
  } catch (error) {
    throw fsError(error, root.shown(names));
  }
}

/**
 * Renames or moves an entry within its domain. The entry itself moves (a
 * symlink stays a link); an existing target is never overwritten.
 */
export async function moveEntry(
  root: DomainRoot,
  from: string[],
  to: string[],
): Promise<void> {
  const source = await root.entry(from);
  const target = await root.entry(to);
  try {
    await fs.lstat(source);
  } catch (error) {
    throw fsError(error, root.shown(from));
  }
  if (target.startsWith(`${source}/`)) {
    throw new InputError(`${root.shown(from)} cannot be moved into itself`);
  }
  const exists = await fs.lstat(target).then(
    () => true,
    () => false,
  );
  if (exists) {
    throw new ConflictError(`${root.shown(to)} already exists`);
  }
  try {
    await fs.rename(source, target);
  } catch (error) {
    throw fsError(error, root.shown(to));
  }
}

/** Deletes a file, a link (not what it points to) or a whole folder. */
export async function removeEntry(
  root: DomainRoot,
  names: string[],
): Promise<void> {
  const target = await root.entry(names);
  try {
    await fs.lstat(target);
    await fs.rm(target, { recursive: true });
  } catch (error) {
    throw fsError(error, root.shown(names));
  }
}

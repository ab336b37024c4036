import fs from 'node:fs/promises';

/**
 * The uid/gid model of the data domains (`knot.storage.groupId`).
 *
 * Containers and the backend run as different users: the bundled images run
 * as uid 1000, gid 100 (`users`, as the Jupyter Docker Stacks do), the
 * backend as its own user. Kubernetes' `fsGroup` would fix that for volumes
 * it manages, but it does not touch hostPath or NFS volumes, which is what
 * the data domains are. So the backend gives the domains the group itself:
 * folders are owned by the group with mode 2770 (setgid: what is created
 * inside, by the backend or a container, inherits the group), files it
 * writes get 0660. A container running with that gid (the images' primary
 * group, or a pod's `fsGroup`/`supplementalGroups`) can then read, write and
 * overwrite what the portal uploaded, and the backend (root, or a member of
 * the group) can list, download, replace (it writes a temp file and renames
 * it) and delete what containers wrote. Other host users get nothing.
 *
 * Without a group, private folders stay owner-only (0700), as before: only
 * the backend's own user can use them.
 */
export const DATA_FOLDER_MODE = 0o2770;
export const DATA_FILE_MODE = 0o660;
export const PRIVATE_FOLDER_MODE_WITHOUT_GROUP = 0o700;

/** Gives one entry the data group and its mode (nothing without a group). */
export async function shareWithDataGroup(
  real: string,
  kind: 'folder' | 'file',
  groupId: number | undefined,
): Promise<void> {
  if (groupId === undefined) return;
  // -1: the owner stays.
  await fs.chown(real, -1, groupId);
  await fs.chmod(real, kind === 'folder' ? DATA_FOLDER_MODE : DATA_FILE_MODE);
}

/**
 * Creates a domain's top folder if missing and gives it the model's
 * ownership and mode, also when it exists with others (an older 0700
 * folder). Cheap when nothing is to change: one stat.
 */
export async function ensureDataFolder(
  folder: string,
  groupId: number | undefined,
  modeWithoutGroup?: number,
): Promise<void> {
  await fs.mkdir(folder, { recursive: true, mode: modeWithoutGroup });
  const stat = await fs.stat(folder);
  if (groupId === undefined) {
    if (
      modeWithoutGroup !== undefined &&
      (stat.mode & 0o7777) !== modeWithoutGroup
    ) {
      await fs.chmod(folder, modeWithoutGroup);
    }
    return;
  }
  if (stat.gid !== groupId || (stat.mode & 0o7777) !== DATA_FOLDER_MODE) {
    await shareWithDataGroup(folder, 'folder', groupId);
  }
}

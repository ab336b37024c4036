import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  DATA_FILE_MODE,
  DATA_FOLDER_MODE,
  ensureDataFolder,
  PRIVATE_FOLDER_MODE_WITHOUT_GROUP,
  shareWithDataGroup,
} from './dataGroup';

// A group this process may give files: any as root (100, `users`, as in
// development), else its own.
const gid = process.getuid?.() === 0 ? 100 : process.getgid!();

describe('the data group model', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'knot-data-group-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  const mode = async (p: string) => (await fs.stat(p)).mode & 0o7777;

  it('creates a domain folder of the group, setgid and group-writable', async () => {
    const folder = path.join(dir, 'private', 'alice');
    await ensureDataFolder(folder, gid, PRIVATE_FOLDER_MODE_WITHOUT_GROUP);
    expect(await mode(folder)).toBe(DATA_FOLDER_MODE);
    expect((await fs.stat(folder)).gid).toBe(gid);
    // What is created inside inherits the group (setgid).
    await fs.writeFile(path.join(folder, 'a'), 'a');
    expect((await fs.stat(path.join(folder, 'a'))).gid).toBe(gid);
  });

  it('gives an older owner-only folder to the group', async () => {
    const folder = path.join(dir, 'bob');
    await fs.mkdir(folder, { mode: 0o700 });
    await ensureDataFolder(folder, gid, PRIVATE_FOLDER_MODE_WITHOUT_GROUP);
    expect(await mode(folder)).toBe(DATA_FOLDER_MODE);
  });

  it('keeps private folders owner-only without a group', async () => {
    const folder = path.join(dir, 'carol');
    await fs.mkdir(folder, { mode: 0o755 });
    await ensureDataFolder(
      folder,
      undefined,
      PRIVATE_FOLDER_MODE_WITHOUT_GROUP,
    );
    expect(await mode(folder)).toBe(0o700);
  });

  it('makes files group-writable, and leaves them alone without a group', async () => {
    const file = path.join(dir, 'f');
    await fs.writeFile(file, 'x', { mode: 0o644 });
    await shareWithDataGroup(file, 'file', undefined);
    expect(await mode(file)).toBe(0o644);
    await shareWithDataGroup(file, 'file', gid);
    expect(await mode(file)).toBe(DATA_FILE_MODE);
    expect((await fs.stat(file)).gid).toBe(gid);
  });
});

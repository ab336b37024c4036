import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DurableFileWriter } from './DurableFileWriter';

describe('DurableFileWriter', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-durable-'));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** FileHandle's prototype: the class itself is not exported. */
  async function fileHandlePrototype() {
    const handle = await fsp.open(path.join(dir, 'probe'), 'w');
    await handle.close();
    return Object.getPrototypeOf(handle);
  }

  const chunks = (count: number, size: number) =>
    Array.from({ length: count }, (_, i) => Buffer.alloc(size, i + 1));

  it('writes every byte, syncing in the background and once at the end', async () => {
    const proto = await fileHandlePrototype();
    const datasync = jest.spyOn(proto, 'datasync');
    const sync = jest.spyOn(proto, 'sync');
    const file = path.join(dir, 'out.bin');
    const data = chunks(40, 64 * 1024); // 2.5 MiB
    await pipeline(
      Readable.from(data),
      new DurableFileWriter(file, {
        highWaterMark: 256 * 1024,
        syncEveryBytes: 512 * 1024,
      }),
    );
    expect(fs.readFileSync(file)).toEqual(Buffer.concat(data));
    expect(datasync.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(sync).toHaveBeenCalledTimes(1);
  });

  it('refuses to overwrite an existing file', async () => {
    const file = path.join(dir, 'taken');
    fs.writeFileSync(file, 'old');
    await expect(
      pipeline(
        Readable.from([Buffer.from('new')]),
        new DurableFileWriter(file, { highWaterMark: 1024 }),
      ),
    ).rejects.toMatchObject({ code: 'EEXIST' });
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
  });

  it('closes its descriptor when the source fails midway', async () => {
    const fds = () => fs.readdirSync('/proc/self/fd').length;
    const before = fds();
    const source = new Readable({ read() {} });
    const writing = pipeline(
      source,
      new DurableFileWriter(path.join(dir, 'broken'), {
        highWaterMark: 1024,
        syncEveryBytes: 1,
      }),
    );
    source.push(Buffer.alloc(4096, 1));
    await new Promise(r => setTimeout(r, 50));
    source.destroy(new Error('connection lost'));
    await expect(writing).rejects.toThrow('connection lost');
    expect(fds()).toBe(before);
  });
});

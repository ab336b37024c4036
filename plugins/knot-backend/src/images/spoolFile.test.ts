import { randomBytes } from 'node:crypto';
import fs, { type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spoolFile } from './spoolFile';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'knot-spool-file-'));
});
afterEach(async () => {
  jest.restoreAllMocks();
  await fs.rm(dir, { recursive: true, force: true });
});

async function* chunks(parts: Buffer[]) {
  for (const part of parts) yield part;
}

describe('spoolFile', () => {
  it('writes every chunk, in order, large or tiny, to a new 0600 file', async () => {
    const parts = [
      randomBytes(3 * 1024 * 1024),
      ...Array.from({ length: 200 }, (_, i) => Buffer.from([i])),
      randomBytes(70 * 1024),
    ];
    const seen: number[] = [];
    const file = path.join(dir, 'blob');
    await spoolFile(chunks(parts), file, {
      observe: part => seen.push(part.length),
    });
    expect((await fs.readFile(file)).equals(Buffer.concat(parts))).toBe(true);
    expect(seen).toEqual(parts.map(p => p.length));
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    // Never over a file that exists.
    await expect(spoolFile(chunks(parts), file)).rejects.toThrow(/EEXIST/);
  });

  it("stops with the signal's reason", async () => {
    const abort = new AbortController();
    abort.abort(new Error('The upload was cancelled'));
    await expect(
      spoolFile(chunks([randomBytes(2 * 1024 * 1024)]), path.join(dir, 'x'), {
        signal: abort.signal,
      }),
    ).rejects.toThrow('The upload was cancelled');
  });

  it('answers a full disk with 507 in words', async () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device'), {
      code: 'ENOSPC',
    });
    jest.spyOn(fs, 'open').mockResolvedValueOnce({
      writev: async () => {
        throw full;
      },
      close: async () => undefined,
    } as unknown as FileHandle);
    const refusal = await spoolFile(
      chunks([Buffer.alloc(10)]),
      path.join(dir, 'x'),
    ).catch(error => error);
    expect(refusal.statusCode).toBe(507);
    expect(refusal.message).toMatch(
      /no room left .*knot.images.spoolDir is full/,
    );
  });
});

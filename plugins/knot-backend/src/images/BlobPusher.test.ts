import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '@backstage/errors';
import { BlobPusher } from './BlobPusher';
import type { FileBody } from './fileBody';
import { RegistryError, type RegistryClient } from './RegistryClient';

/** A registry stand-in whose blob pushes end when the test says. */
function standIn() {
  const pushes: Array<{ digest: string; end: (error?: Error) => void }> = [];
  let open = 0;
  let maxOpen = 0;
  const registry = {
    pushBlob: (
      _repository: string,
      _body: unknown,
      digestOf: () => string,
      signal?: AbortSignal,
    ) =>
      new Promise<void>((resolve, reject) => {
        open++;
        maxOpen = Math.max(maxOpen, open);
        let ended = false;
        const end = (error?: Error) => {
          if (ended) return;
          ended = true;
          open--;
          if (error) reject(error);
          else resolve();
        };
        signal?.addEventListener('abort', () => end(signal.reason));
        pushes.push({ digest: digestOf(), end });
      }),
  } as unknown as RegistryClient;
  return {
    registry,
    pushes,
    get open() {
      return open;
    },
    get maxOpen() {
      return maxOpen;
    },
  };
}

const settled = () => new Promise(resolve => setImmediate(resolve));

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'knot-blob-pusher-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function spooled(name: string): Promise<FileBody> {
  const file = path.join(dir, name);
  await fs.writeFile(file, name);
  return { file, size: name.length };
}

describe('BlobPusher', () => {
  it('pushes up to `concurrency` blobs at once, and holds the sender back while as many wait', async () => {
    const registry = standIn();
    const pusher = new BlobPusher(registry.registry, 'alice/x', 2);
    for (const n of [1, 2, 3, 4]) {
      await pusher.add(`sha256:${n}`, await spooled(`blob-${n}`));
    }
    await settled();
    expect(registry.open).toBe(2);
    // Two push, two wait: the fifth is not queued until a push ends.
    let queued = false;
    const fifth = pusher
      .add('sha256:5', await spooled('blob-5'))
      .then(() => (queued = true));
    await settled();
    expect(queued).toBe(false);
    registry.pushes[0].end();
    await fifth;
    // A pushed blob's file is gone at once, the others wait on disk.
    expect((await fs.readdir(dir)).sort()).toEqual([
      'blob-2',
      'blob-3',
      'blob-4',
      'blob-5',
    ]);
    // Each end lets the next blob start.
    for (let i = 1; i < 5; i++) {
      await settled();
      registry.pushes[i].end();
    }
    await pusher.settle();
    expect(registry.maxOpen).toBe(2);
    expect(pusher.pushed.sort()).toEqual(
      ['sha256:1', 'sha256:2', 'sha256:3', 'sha256:4', 'sha256:5'].sort(),
    );
    expect(pusher.outcome('sha256:5')).toBe('pushed');
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it("answers the registry's DIGEST_INVALID as the archive's corruption, aborts the other pushes and deletes every file", async () => {
    const registry = standIn();
    const pusher = new BlobPusher(registry.registry, 'alice/x', 2);
    for (const n of [1, 2, 3]) {
      await pusher.add(`sha256:${n}`, await spooled(`blob-${n}`));
    }
    await settled();
    registry.pushes[1].end(new RegistryError('refused', 422, 'DIGEST_INVALID'));
    const failure = await pusher.settle().catch(error => error);
    expect(failure).toBeInstanceOf(InputError);
    expect(failure.message).toBe(
      'The archive is corrupt: the content of sha256:2 does not match its digest',
    );
    expect(registry.open).toBe(0);
    // The waiting blob was never pushed.
    expect(registry.pushes.map(p => p.digest)).toEqual([
      'sha256:1',
      'sha256:2',
    ]);
    expect(pusher.pushed).toEqual([]);
    expect(await fs.readdir(dir)).toEqual([]);
    await expect(
      pusher.add('sha256:4', await spooled('blob-4')),
    ).rejects.toThrow(/corrupt/);
  });

  it('cancels: pushes under way aborted, none started, every file deleted', async () => {
    const registry = standIn();
    const pusher = new BlobPusher(registry.registry, 'alice/x', 1);
    await pusher.add('sha256:1', await spooled('blob-1'));
    await pusher.add('sha256:2', await spooled('blob-2'));
    await settled();
    await pusher.cancel(new Error('The upload was cancelled'));
    expect(registry.pushes).toHaveLength(1);
    expect(registry.open).toBe(0);
    expect(pusher.signal.aborted).toBe(true);
    expect(await fs.readdir(dir)).toEqual([]);
  });
});

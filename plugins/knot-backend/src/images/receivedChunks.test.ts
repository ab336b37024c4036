import { releasingReceived } from './receivedChunks';

const MiB = 1024 * 1024;

/** `count` chunks of 64 KiB, each a new copy, as Node's HTTP parser makes. */
async function* copies(count: number) {
  const chunk = Buffer.alloc(64 * 1024, 7);
  for (let i = 0; i < count; i++) yield Buffer.from(chunk);
}

describe('releasingReceived', () => {
  it('passes every chunk on, in order', async () => {
    const out: Buffer[] = [];
    for await (const chunk of releasingReceived(copies(3), 1)) out.push(chunk);
    expect(Buffer.concat(out).equals(Buffer.alloc(3 * 64 * 1024, 7))).toBe(
      true,
    );
  });

  it('keeps dropped chunks from piling up outside the heap', async () => {
    const base = process.memoryUsage().arrayBuffers;
    let peak = 0;
    let n = 0;
    // 96 MiB that each chunk's reader drops at once, as the spool does.
    for await (const _ of releasingReceived(copies(1536))) {
      if (n++ % 16 === 0) {
        peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
      }
    }
    // Left to V8, such memory grew to 32–64 MiB here before it was
    // collected; with a collection every 8 MiB, 8–11 MiB.
    expect(peak).toBeLessThan(20 * MiB);
  });
});

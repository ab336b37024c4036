import v8 from 'node:v8';
import vm from 'node:vm';

const MiB = 1024 * 1024;

type Collect = (options: { type: 'minor' | 'major' }) => void;
let collect: Collect | null | undefined;

/** V8's collector, once exposed (null where the runtime refuses). */
function collector(): Collect | null {
  if (collect === undefined) {
    try {
      // Exposed to contexts made from now on; this one takes it.
      v8.setFlagsFromString('--expose-gc');
      collect = vm.runInNewContext('gc') as Collect;
    } catch {
      collect = null;
    }
  }
  return collect;
}

/**
 * A request body's chunks as they arrive, with a young-generation
 * collection after every `everyBytes` of them.
 *
 * Node's HTTP parser copies each chunk of a body (up to 64 KiB) into a new
 * buffer outside V8's heap, and V8 reclaims such memory only once it has
 * grown by 64 MiB since its last collection. An image upload's chunks are
 * spooled and dropped at once, yet held the backend 50–75 MiB above its
 * size for as long as the upload ran (bench/images). A minor collection
 * every 8 MiB frees them (about a millisecond each: the chunks are all
 * that is young).
 */
export async function* releasingReceived(
  source: AsyncIterable<Buffer>,
  everyBytes = 8 * MiB,
): AsyncIterable<Buffer> {
  const gc = collector();
  let since = 0;
  for await (const chunk of source) {
    since += chunk.length;
    if (gc && since >= everyBytes) {
      since = 0;
      gc({ type: 'minor' });
    }
    yield chunk;
  }
}

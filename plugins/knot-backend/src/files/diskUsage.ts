import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Bytes of the regular files below a folder (links not followed). Walks with
 * synchronous calls in slices, yielding between them, like listFolder.
 */
export async function diskUsage(root: string): Promise<number> {
  let total = 0;
  let sinceYield = 0;
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue; // removed meanwhile
    }
    for (const name of names) {
      if (++sinceYield >= 256) {
        sinceYield = 0;
        await new Promise(resolve => setImmediate(resolve));
      }
      const full = path.join(dir, name);
      try {
        const stats = lstatSync(full);
        if (stats.isDirectory()) pending.push(full);
        else if (stats.isFile()) total += stats.size;
      } catch {
        // removed meanwhile
      }
    }
  }
  return total;
}

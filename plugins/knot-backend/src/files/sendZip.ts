import archiver from 'archiver';
import type { Response } from 'express';
import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { DomainRoot } from './DomainRoot';
import { UPLOAD_TEMP_PREFIX } from './safePath';

/**
 * Streams a folder as a zip built on the fly (no temp file, bounded memory:
 * archiver reads one file at a time and follows the response's
 * backpressure). Upload temp files and symlinks are left out, so the zip
 * holds exactly what lies inside the domain and no link can loop.
 */
export async function sendZip(
  res: Response,
  root: DomainRoot,
  names: string[],
): Promise<void> {
  const real = await root.folder(names);
  const base = names.length ? names[names.length - 1] : root.domain;
  const archive = archiver('zip', { zlib: { level: 1 } });
  res.status(200);
  res.attachment(`${base}.zip`);
  res.set({
    'Cache-Control': 'private, no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  let aborted = false;
  res.on('close', () => {
    if (!res.writableFinished) {
      aborted = true;
      archive.abort();
    }
  });
  archive.on('warning', () => {}); // unreadable entries are skipped
  archive.on('error', () => res.destroy());
  archive.pipe(res);

  const walk = async (dir: string, prefix: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (aborted) return;
      if (entry.name.startsWith(UPLOAD_TEMP_PREFIX)) continue;
      const full = path.join(dir, entry.name);
      const name = `${prefix}${entry.name}`;
      if (entry.isDirectory()) {
        archive.append('', { name: `${name}/` });
        await walk(full, `${name}/`);
      } else if (entry.isFile()) {
        archive.file(full, { name });
      }
    }
  };
  archive.append('', { name: `${base}/` });
  await walk(real, `${base}/`);
  if (!aborted) {
    await archive.finalize();
  }
}

import archiver from 'archiver';
import type { Response } from 'express';
import type { Dirent, ReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { DomainRoot } from './DomainRoot';
import { UPLOAD_TEMP_PREFIX } from './safePath';

/**
 * Streams a folder as a zip built on the fly (no temp file, bounded memory:
 * one file open at a time, read as the response's backpressure allows).
 * Upload temp files and symlinks are left out, so no link can loop. Each
 * file is opened when its turn comes and checked as opened
 * (`DomainRoot.openWithin`), each folder by its real path before it is
 * read: the zip is slow as its reader, and a container may meanwhile swap
 * an entry for a link out of the domain (another profile's files, the
 * backend's own), which archiver, opening files by path later, followed.
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
  let reading: ReadStream | undefined;
  res.on('close', () => {
    if (!res.writableFinished) {
      aborted = true;
      reading?.destroy();
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
        const inside = await fs.realpath(full).catch(() => undefined);
        if (!inside || !root.contains(inside)) continue;
        archive.append('', { name: `${name}/` });
        await walk(inside, `${name}/`);
      } else if (entry.isFile()) {
        const handle = await root.openWithin(full);
        if (!handle) continue;
        // The next file is opened once this one is read (or the reader
        // has gone): one descriptor at a time, however large the folder.
        const stream = handle.createReadStream();
        const done = new Promise(resolve => stream.once('close', resolve));
        reading = stream;
        archive.append(stream, { name });
        await done;
        reading = undefined;
      }
    }
  };
  archive.append('', { name: `${base}/` });
  await walk(real, `${base}/`);
  if (!aborted) {
    await archive.finalize();
  }
}

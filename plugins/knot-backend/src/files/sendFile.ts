import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import type { DomainRoot } from './DomainRoot';

/**
 * Streams one file as a download, honouring a single HTTP Range (`206`),
 * answering `416` to unsatisfiable ones and the whole file to multi-range
 * requests (allowed by RFC 9110). The file is opened once, after the path
 * check, and read through that descriptor only.
 */
export async function sendFile(
  req: Request,
  res: Response,
  root: DomainRoot,
  names: string[],
): Promise<void> {
  const { handle } = await root.openFile(names);
  let closeHandle = true;
  try {
    const stat = await handle.stat();
    const size = stat.size;
    let start = 0;
    let end = size - 1;
    let status = 200;
    const ranges = req.headers.range ? req.range(size) : undefined;
    if (ranges === -1) {
      res.status(416).set('Content-Range', `bytes */${size}`).end();
      return;
    }
    if (
      Array.isArray(ranges) &&
      ranges.type === 'bytes' &&
      ranges.length === 1
    ) {
      start = ranges[0].start;
      end = ranges[0].end;
      status = 206;
      res.set('Content-Range', `bytes ${start}-${end}/${size}`);
    }
    res.status(status);
    res.attachment(names[names.length - 1]);
    res.set({
      'Accept-Ranges': 'bytes',
      'Content-Length': String(size === 0 ? 0 : end - start + 1),
      'Last-Modified': stat.mtime.toUTCString(),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD' || size === 0) {
      res.end();
      return;
    }
    closeHandle = false; // the stream closes it
    await pipeline(
      handle.createReadStream({ start, end, highWaterMark: 1024 * 1024 }),
      res,
    );
  } catch (error) {
    if (res.headersSent) {
      res.destroy(); // the client gets a truncated body, not a wrong one
      return;
    }
    throw error;
  } finally {
    if (closeHandle) {
      await handle.close();
    }
  }
}

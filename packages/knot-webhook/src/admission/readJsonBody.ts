import type { IncomingMessage } from 'node:http';

/** A client error while reading the body: the HTTP status to answer. */
export class BodyError extends Error {
  constructor(readonly status: 400 | 413, message: string) {
    super(message);
  }
}

/**
 * Reads and parses a JSON request body of at most `limit` bytes. Leaner
 * than express.json() on the webhook's hot path (no content-type or charset
 * negotiation: the API server always sends UTF-8 JSON).
 */
export function readJsonBody(
  req: IncomingMessage,
  limit: number,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      req.resume();
      reject(new BodyError(413, `request body larger than ${limit} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new BodyError(413, `request body larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => {
      if (!failed) reject(new BodyError(400, 'request aborted'));
      failed = true;
    });
    req.on('end', () => {
      if (failed) return;
      try {
        resolve(JSON.parse(Buffer.concat(chunks, size).toString('utf8')));
      } catch {
        reject(new BodyError(400, 'malformed JSON body'));
      }
    });
  });
}

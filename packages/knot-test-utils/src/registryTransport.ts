import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type {
  RegistryRequest,
  RegistryResponse,
} from '@knot-platform/plugin-knot-common';

/**
 * The browser's registry transport (`pushLayoutBlobs`) in Node: node:http(s),
 * the body streamed from its Blob (a file's, `fs.openAsBlob`), progress as
 * it is written. For tests and bench/images.
 */
export function nodeRegistryTransport(
  request: RegistryRequest,
): Promise<RegistryResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(request.url);
    const req = (target.protocol === 'https:' ? https : http).request(
      target,
      {
        method: request.method,
        headers: {
          ...request.headers,
          'Content-Length': String(request.body?.size ?? 0),
        },
        signal: request.signal,
      },
      res => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', chunk => (text += chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            location: res.headers.location,
            text,
          }),
        );
      },
    );
    req.on('error', reject);
    if (!request.body) {
      req.end();
      return;
    }
    let sent = 0;
    const body = Readable.fromWeb(request.body.stream() as any);
    body.on('data', (chunk: Buffer) => {
      sent += chunk.length;
      request.onProgress?.(sent);
    });
    pipeline(body, req).catch(error => {
      req.destroy(error);
      reject(error);
    });
  });
}

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';

/** A front of a registry that counts blob uploads, from {@link startRegistryUploadFront}. */
export interface RegistryUploadFront {
  /** `http://127.0.0.1:<port>`: the registry's API, through the front. */
  url: string;
  /** Blob uploads (`PATCH .../blobs/uploads/...`) open now. */
  readonly open: number;
  /** The most blob uploads open at once since the last `reset`. */
  readonly maxOpen: number;
  reset(): void;
  /**
   * Holds every blob upload (its body unread) until `count` are open at
   * once, or for `timeoutMs` at most: then lets them all through, and
   * holds no more.
   */
  hold(count: number, timeoutMs: number): void;
  /** Lets the held uploads through now. */
  release(): void;
  stop(): Promise<void>;
}

/**
 * Starts a plain HTTP front on a free loopback port that passes every
 * request to the registry at `target` (the Host header kept, so the
 * registry's upload locations name the front) and counts the blob uploads
 * open at once: how a test sees that uploads go in parallel.
 */
export async function startRegistryUploadFront(
  target: string,
): Promise<RegistryUploadFront> {
  let open = 0;
  let maxOpen = 0;
  let held: { count: number; queue: Array<() => void> } | undefined;
  let timer: NodeJS.Timeout | undefined;
  const release = () => {
    clearTimeout(timer);
    const queue = held?.queue ?? [];
    held = undefined;
    for (const pass of queue) pass();
  };
  const server = http.createServer((req, res) => {
    const upload =
      req.method === 'PATCH' && /\/blobs\/uploads\//.test(req.url ?? '');
    let counted = upload;
    if (upload) {
      open++;
      maxOpen = Math.max(maxOpen, open);
    }
    res.once('close', () => {
      if (counted) open--;
      counted = false;
    });
    const pass = () => {
      if (res.destroyed) return;
      const upstream = http.request(
        new URL(req.url!, target),
        { method: req.method, headers: req.headers },
        answer => {
          res.writeHead(answer.statusCode!, answer.headers);
          pipeline(answer, res).catch(() => res.destroy());
        },
      );
      upstream.on('error', () => res.destroy());
      pipeline(req, upstream).catch(() => {
        upstream.destroy();
        res.destroy();
      });
    };
    if (!upload || !held) {
      pass();
      return;
    }
    held.queue.push(pass);
    if (open >= held.count) release();
  });
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get open() {
      return open;
    },
    get maxOpen() {
      return maxOpen;
    },
    reset: () => {
      maxOpen = open;
    },
    hold: (count, timeoutMs) => {
      release();
      held = { count, queue: [] };
      timer = setTimeout(release, timeoutMs);
    },
    release,
    stop: async () => {
      release();
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    },
  };
}

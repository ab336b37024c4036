import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import type { RequestListener, ServerResponse } from 'node:http';

export interface WebhookServer {
  server: https.Server;
  port: number;
  /** Re-reads the certificate and key now (also done when the files change). */
  reload(): boolean;
  /** Stops at once, cutting requests in flight (tests, a developer's Ctrl-C). */
  close(): Promise<void>;
  /**
   * Stops without failing anyone's admission request, as a pod being
   * removed must: for `drainMs` it keeps answering (the API servers learn
   * of the endpoint's removal a moment later) and asks each client to close
   * its connection, so the next request goes to another replica; then it
   * stops listening, closes idle connections and lets requests in flight
   * finish, cutting what is left after `graceMs`.
   */
  shutdown(options: { drainMs: number; graceMs: number }): Promise<void>;
  /** True from the moment `shutdown` is called (readiness turns false). */
  readonly draining: boolean;
}

export interface WebhookServerOptions {
  app: RequestListener;
  certFile: string;
  keyFile: string;
  host: string;
  port: number;
  /** How often the certificate files are checked for changes. */
  watchIntervalMs?: number;
  log?: (message: string) => void;
}

function readPair(certFile: string, keyFile: string) {
  const pair = {
    cert: fs.readFileSync(certFile),
    key: fs.readFileSync(keyFile),
  };
  // Throws on a half-written or mismatched pair, so the old one stays in use.
  tls.createSecureContext(pair);
  return pair;
}

/**
 * Serves the app over HTTPS with the certificate and key from files, and
 * swaps them in when the files change (cert-manager renewals, Secret updates)
 * without dropping the listener.
 */
export async function startWebhookServer(
  options: WebhookServerOptions,
): Promise<WebhookServer> {
  const log = options.log ?? (() => {});
  const { certFile, keyFile } = options;
  let draining = false;
  /** Answers not yet sent. */
  const pending = new Set<ServerResponse>();
  // noDelay: answers are small and latency-bound; Nagle would hold them.
  const server = https.createServer(
    { ...readPair(certFile, keyFile), noDelay: true },
    (req, res) => {
      pending.add(res);
      res.on('close', () => pending.delete(res));
      // Once stopping, no connection is kept for another request: the
      // client's next one goes to a replica that stays.
      if (draining) res.setHeader('Connection', 'close');
      res.on('finish', () => {
        if (draining) req.socket.end();
      });
      options.app(req, res);
    },
  );
  // Many API server replicas keep connections open: let them.
  server.keepAliveTimeout = 65_000;

  const reload = () => {
    try {
      server.setSecureContext(readPair(certFile, keyFile));
      log(`reloaded the certificate from ${certFile}`);
      return true;
    } catch (error) {
      log(`kept the previous certificate: ${String(error)}`);
      return false;
    }
  };
  const interval = options.watchIntervalMs ?? 2000;
  const onChange = (curr: fs.Stats, prev: fs.Stats) => {
    if (curr.mtimeMs !== prev.mtimeMs || curr.size !== prev.size) reload();
  };
  fs.watchFile(certFile, { interval, persistent: false }, onChange);
  fs.watchFile(keyFile, { interval, persistent: false }, onChange);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const unwatch = () => {
    fs.unwatchFile(certFile, onChange);
    fs.unwatchFile(keyFile, onChange);
  };
  return {
    server,
    port,
    reload,
    get draining() {
      return draining;
    },
    close: () =>
      new Promise<void>(resolve => {
        draining = true;
        unwatch();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    shutdown: async ({ drainMs, graceMs }) => {
      draining = true;
      for (const res of pending) {
        if (!res.headersSent) res.setHeader('Connection', 'close');
      }
      log(`shutting down: answering for ${drainMs} ms more`);
      await new Promise(resolve => setTimeout(resolve, drainMs));
      unwatch();
      await new Promise<void>(resolve => {
        const cut = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}

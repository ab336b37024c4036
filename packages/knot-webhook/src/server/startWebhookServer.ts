import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import type { RequestListener } from 'node:http';

export interface WebhookServer {
  server: https.Server;
  port: number;
  /** Re-reads the certificate and key now (also done when the files change). */
  reload(): boolean;
  close(): Promise<void>;
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
  // noDelay: answers are small and latency-bound; Nagle would hold them.
  const server = https.createServer(
    { ...readPair(certFile, keyFile), noDelay: true },
    options.app,
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
  return {
    server,
    port,
    reload,
    close: () =>
      new Promise<void>(resolve => {
        fs.unwatchFile(certFile, onChange);
        fs.unwatchFile(keyFile, onChange);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

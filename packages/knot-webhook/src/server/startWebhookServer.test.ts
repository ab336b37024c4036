import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import type { RequestListener } from 'node:http';
import { createWebhookApp } from '../app';
import { createDevCertificates } from './devCertificates';
import { startWebhookServer, type WebhookServer } from './startWebhookServer';

jest.setTimeout(30_000);

function get(
  port: number,
  ca: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(
        { host: '127.0.0.1', port, path: '/healthz', ca, agent: false },
        res => {
          let body = '';
          res.on('data', c => (body += c));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        },
      )
      .on('error', reject);
  });
}

function peerFingerprint(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on('error', reject);
  });
}

describe('startWebhookServer', () => {
  let dir: string;
  let server: WebhookServer | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-webhook-tls-'));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS with a dev certificate valid for 127.0.0.1', async () => {
    const certs = createDevCertificates(dir);
    const x509 = new X509Certificate(fs.readFileSync(certs.certFile));
    expect(x509.subjectAltName).toContain('IP Address:127.0.0.1');
    server = await startWebhookServer({
      app: createWebhookApp(),
      certFile: certs.certFile,
      keyFile: certs.keyFile,
      host: '127.0.0.1',
      port: 0,
    });
    expect(await get(server.port, certs.caPem)).toEqual({
      status: 200,
      body: '{"status":"ok"}',
    });
  });

  it('reloads the certificate when the files change, keeping a broken pair out', async () => {
    const first = createDevCertificates(path.join(dir, 'a'));
    const second = createDevCertificates(path.join(dir, 'b'));
    const live = {
      cert: path.join(dir, 'tls.crt'),
      key: path.join(dir, 'tls.key'),
    };
    fs.copyFileSync(first.certFile, live.cert);
    fs.copyFileSync(first.keyFile, live.key);
    const logs: string[] = [];
    server = await startWebhookServer({
      app: createWebhookApp(),
      certFile: live.cert,
      keyFile: live.key,
      host: '127.0.0.1',
      port: 0,
      watchIntervalMs: 50,
      log: m => logs.push(m),
    });
    const fingerprint = (file: string) =>
      new X509Certificate(fs.readFileSync(file)).fingerprint256;
    expect(await peerFingerprint(server.port, first.caPem)).toBe(
      fingerprint(first.certFile),
    );

    // A half-done rotation (new cert, old key) is refused: the old pair stays.
    fs.copyFileSync(second.certFile, live.cert);
    expect(server.reload()).toBe(false);
    expect(await peerFingerprint(server.port, first.caPem)).toBe(
      fingerprint(first.certFile),
    );

    // Completing it swaps the certificate without a restart, on the watcher.
    fs.copyFileSync(second.keyFile, live.key);
    const deadline = Date.now() + 10_000;
    let seen = '';
    while (Date.now() < deadline) {
      seen = await peerFingerprint(server.port, second.caPem).catch(() => '');
      if (seen === fingerprint(second.certFile)) break;
      await new Promise(r => setTimeout(r, 50));
    }
    expect(seen).toBe(fingerprint(second.certFile));
    expect(logs.some(m => m.startsWith('reloaded'))).toBe(true);
  });

  it('on shutdown keeps answering while it drains, finishes requests in flight, then refuses connections', async () => {
    const certs = createDevCertificates(dir);
    // An admission review that takes a while (a slow Dataset list).
    const slowMs = 600;
    const app: RequestListener = (req, res) => {
      const answer = () => res.end(JSON.stringify({ path: req.url }));
      if (req.url === '/slow') setTimeout(answer, slowMs);
      else answer();
    };
    server = await startWebhookServer({
      app,
      certFile: certs.certFile,
      keyFile: certs.keyFile,
      host: '127.0.0.1',
      port: 0,
    });
    const agent = new https.Agent({ keepAlive: true, ca: certs.caPem });
    const request = (requestPath: string) =>
      new Promise<{ status: number; connection?: string }>(
        (resolve, reject) => {
          https
            .get(
              {
                host: '127.0.0.1',
                port: server!.port,
                path: requestPath,
                agent,
              },
              res => {
                res.resume();
                res.on('end', () =>
                  resolve({
                    status: res.statusCode!,
                    connection: res.headers.connection,
                  }),
                );
              },
            )
            .on('error', reject);
        },
      );
    expect(await request('/fast')).toEqual({
      status: 200,
      connection: 'keep-alive',
    });

    const inFlight = request('/slow');
    await new Promise(r => setTimeout(r, 50));
    const stopped = server.shutdown({ drainMs: 300, graceMs: 5_000 });
    expect(server.draining).toBe(true);
    // Still answering while the endpoint's removal spreads, but each
    // client is told to reconnect (to another replica).
    expect(await request('/fast')).toEqual({
      status: 200,
      connection: 'close',
    });
    // The request that began before the stop outlives the drain and ends,
    // and its connection closes with it.
    await expect(inFlight).resolves.toEqual({
      status: 200,
      connection: 'close',
    });
    const began = Date.now();
    await stopped;
    // Nothing was left to cut: no wait for the grace period.
    expect(Date.now() - began).toBeLessThan(2_000);
    await expect(request('/fast')).rejects.toThrow(/ECONNREFUSED/);
    agent.destroy();
  });
});

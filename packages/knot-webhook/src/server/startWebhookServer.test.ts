import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
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
});

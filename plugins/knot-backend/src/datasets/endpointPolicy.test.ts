import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { testS3Connection } from './s3Connection';
import {
  ENDPOINT_REFUSED,
  guardedAgents,
  isAllowedHost,
  isNonPublicAddress,
} from './endpointPolicy';

describe('isNonPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.20.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fd00::2',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
    'not-an-address',
  ])('%s is not public', address => {
    expect(isNonPublicAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '93.184.216.34', '2001:4860::1'])(
    '%s is public',
    address => {
      expect(isNonPublicAddress(address)).toBe(false);
    },
  );
});

describe('isAllowedHost', () => {
  const policy = {
    allowedHosts: ['minio.internal', '*.lab.example.org', '10.0.0.5'],
  };
  it.each([
    ['minio.internal', true],
    ['MINIO.internal.', true],
    ['s3.lab.example.org', true],
    ['lab.example.org', false],
    ['evil-lab.example.org', false],
    ['10.0.0.5', true],
    ['10.0.0.6', false],
  ])('%s → %p', (host, allowed) => {
    expect(isAllowedHost(host as string, policy)).toBe(allowed);
  });
});

/** A plain HTTP server on loopback; the number of requests it received. */
async function loopbackServer() {
  let requests = 0;
  const server = http.createServer((_req, res) => {
    requests += 1;
    res.end('ok');
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    requests: () => requests,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

function get(url: URL, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, res => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

describe('guardedAgents', () => {
  it('refuses loopback by literal and by name unless the host is allowed', async () => {
    const server = await loopbackServer();
    try {
      const literal = new URL(`http://127.0.0.1:${server.port}/`);
      expect(() => guardedAgents(literal, { allowedHosts: [] })).toThrow(
        expect.objectContaining({ code: ENDPOINT_REFUSED }),
      );
      // A name that resolves to loopback: refused when the socket looks it up.
      const byName = new URL(`http://localhost:${server.port}/`);
      const { httpAgent } = guardedAgents(byName, { allowedHosts: [] });
      await expect(get(byName, httpAgent)).rejects.toMatchObject({
        code: ENDPOINT_REFUSED,
      });
      expect(server.requests()).toBe(0);

      // Allowed by an admin: both connect.
      const allowed = { allowedHosts: ['127.0.0.1', 'localhost'] };
      expect(
        await get(literal, guardedAgents(literal, allowed).httpAgent),
      ).toBe(200);
      expect(await get(byName, guardedAgents(byName, allowed).httpAgent)).toBe(
        200,
      );
      expect(server.requests()).toBe(2);
    } finally {
      await server.close();
    }
  });

  it('makes "Test connection" answer in words and never reach the address', async () => {
    const server = await loopbackServer();
    try {
      const target = {
        endpoint: `http://localhost:${server.port}`,
        bucket: 'b',
        prefix: '',
        region: '',
        accessKey: 'k',
        secretKey: 's',
      };
      await expect(
        testS3Connection(target, 3000, { allowedHosts: [] }),
      ).rejects.toThrow(/^Not allowed: .* local or private network/);
      await expect(
        testS3Connection(
          { ...target, endpoint: 'http://169.254.169.254' },
          3000,
          { allowedHosts: [] },
        ),
      ).rejects.toThrow(/^Not allowed/);
      expect(server.requests()).toBe(0);
    } finally {
      await server.close();
    }
  });
});

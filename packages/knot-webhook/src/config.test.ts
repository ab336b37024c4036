import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, resolveConfig } from './config';

describe('webhook config', () => {
  it('has development defaults', () => {
    const config = resolveConfig();
    expect(config).toMatchObject({
      namespacePrefix: 'knot-',
      ingress: {
        domain: 'localtest.me',
        url: 'https://localtest.me',
        controller: 'traefik',
      },
      auth: {
        mode: 'forward-auth',
        url: 'https://localtest.me/api/knot/forward-auth',
        responseHeaders: [
          'X-Knot-User',
          'X-Knot-Profile',
          'Cookie',
          'Authorization',
        ],
      },
      privateDir: '/private',
      sharedDir: '/shared',
      hostPathAllowlist: [],
      // Development stops at once; the chart sets a drain.
      server: { port: 8443, shutdownDelayMs: 0 },
    });
    expect(
      resolveConfig(
        { server: { shutdownDelayMs: 5000 } },
        { KNOT_WEBHOOK_SHUTDOWN_DELAY_MS: '2000' },
      ).server.shutdownDelayMs,
    ).toBe(2000);
  });

  it('reads a YAML file named by KNOT_WEBHOOK_CONFIG, env winning', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-webhook-config-'));
    const file = path.join(dir, 'config.yaml');
    fs.writeFileSync(
      file,
      'namespacePrefix: team-\ningress:\n  domain: example.org\nhostPathAllowlist: [/data]\nurls:\n  privateRegistryUrl: https://registry.example.org\n',
    );
    const config = loadConfig({
      KNOT_WEBHOOK_CONFIG: file,
      KNOT_WEBHOOK_VOUCH_URL: 'https://vouch.example.org',
      KNOT_WEBHOOK_HOSTPATH_ALLOWLIST: '/a, /b',
      KNOT_WEBHOOK_PORT: '9443',
    });
    expect(config).toMatchObject({
      namespacePrefix: 'team-',
      ingress: { domain: 'example.org', url: 'https://example.org' },
      auth: {
        mode: 'vouch',
        url: 'https://vouch.example.org',
        responseHeaders: ['X-Vouch-User'],
      },
      hostPathAllowlist: ['/a', '/b'],
      urls: { privateRegistryUrl: 'https://registry.example.org' },
      server: { port: 9443 },
    });
    fs.rmSync(dir, { recursive: true });
  });

  it("always has forward-auth answer Cookie and Authorization (without Knot's credentials)", () => {
    expect(
      resolveConfig({ auth: { responseHeaders: ['X-Knot-User'] } }).auth
        .responseHeaders,
    ).toEqual(['X-Knot-User', 'Cookie', 'Authorization']);
  });

  it('refuses bad values with the key named', () => {
    expect(() => resolveConfig({ ingress: { controller: 'haproxy' } })).toThrow(
      'ingress.controller must be one of traefik, ingress-nginx, not "haproxy"',
    );
    expect(() => resolveConfig({ hostPathAllowlist: ['data'] })).toThrow(
      /hostPathAllowlist entry "data"/,
    );
    expect(() => resolveConfig({ ingress: { domain: 7 } })).toThrow(
      /ingress.domain must be a string/,
    );
    expect(() => resolveConfig({}, { KNOT_WEBHOOK_PORT: 'x' })).toThrow(
      /KNOT_WEBHOOK_PORT/,
    );
    expect(() => resolveConfig({ server: { shutdownDelayMs: -1 } })).toThrow(
      /server.shutdownDelayMs must be a number/,
    );
  });
});

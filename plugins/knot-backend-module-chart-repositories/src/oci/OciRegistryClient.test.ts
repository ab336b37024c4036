import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@knot-platform/knot-test-utils';
import { OciRegistryClient, RegistryError } from './OciRegistryClient';
import { OciRegistryChartSource, parseOciUrl } from './OciRegistryChartSource';

const USER = 'robot$knot';
const PASSWORD = 's3cret-pass';

/**
 * A registry front that authenticates like Harbor: `/v2/*` asks for a Bearer
 * token with a challenge; `/service/token` issues one for the scope when the
 * Basic credentials are right. The catalog comes in two pages.
 */
async function tokenRegistry(options: { basicOnly?: boolean } = {}) {
  const tokenRequests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const auth = req.headers.authorization ?? '';
    const basicOk =
      auth === `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
    if (url.pathname === '/service/token') {
      tokenRequests.push(url.searchParams.get('scope') ?? '');
      if (!basicOk || url.searchParams.get('service') !== 'test-registry') {
        res.statusCode = 401;
        res.end();
        return;
      }
      res.setHeader('Content-Type', 'application/json');
      res.end(
        JSON.stringify({
          token: `tok:${url.searchParams.get('scope')}`,
          expires_in: 300,
        }),
      );
      return;
    }
    const scope = url.pathname.startsWith('/v2/_catalog')
      ? 'registry:catalog:*'
      : `repository:${url.pathname.split('/').slice(2, -2).join('/')}:pull`;
    const authorized = options.basicOnly
      ? basicOk
      : auth === `Bearer tok:${scope}`;
    if (!authorized) {
      res.statusCode = 401;
      res.setHeader(
        'WWW-Authenticate',
        options.basicOnly
          ? 'Basic realm="test"'
          : `Bearer realm="http://${req.headers.host}/service/token",service="test-registry",scope="${scope}"`,
      );
      res.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      return;
    }
    res.setHeader('Content-Type', 'application/json');
    if (url.pathname === '/v2/_catalog') {
      if (url.searchParams.get('last')) {
        res.end(JSON.stringify({ repositories: ['team/b'] }));
      } else {
        res.setHeader(
          'Link',
          '</v2/_catalog?last=library%2Fa&n=1>; rel="next"',
        );
        res.end(JSON.stringify({ repositories: ['library/a'] }));
      }
      return;
    }
    if (url.pathname === '/v2/library/a/tags/list') {
      res.end(JSON.stringify({ name: 'library/a', tags: ['1.0.0'] }));
      return;
    }
    res.statusCode = 404;
    res.end(
      '{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}',
    );
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    tokenRequests,
    close: async () => {
      server.closeAllConnections();
      await new Promise(r => server.close(r));
    },
  };
}

/** A local port nothing listens on. */

describe('OciRegistryClient', () => {
  it('follows the Bearer token challenge with the configured credentials and reuses tokens', async () => {
    const registry = await tokenRegistry();
    try {
      const client = new OciRegistryClient(registry.host, {
        plainHttp: true,
        credentials: { username: USER, password: PASSWORD },
      });
      expect(await client.catalog()).toEqual(['library/a', 'team/b']);
      expect(await client.tags('library/a')).toEqual(['1.0.0']);
      expect(await client.tags('library/a')).toEqual(['1.0.0']);
      // One token per scope, not one per request.
      expect(registry.tokenRequests).toEqual([
        'registry:catalog:*',
        'repository:library/a:pull',
      ]);
    } finally {
      await registry.close();
    }
  });

  it('answers Basic challenges with the credentials', async () => {
    const registry = await tokenRegistry({ basicOnly: true });
    try {
      const client = new OciRegistryClient(registry.host, {
        plainHttp: true,
        credentials: { username: USER, password: PASSWORD },
      });
      expect(await client.tags('library/a')).toEqual(['1.0.0']);
      await expect(
        new OciRegistryClient(registry.host, { plainHttp: true }).catalog(),
      ).rejects.toThrow('needs credentials (username/password in config)');
    } finally {
      await registry.close();
    }
  });

  it('says clearly why a registry cannot be used, without the password', async () => {
    const registry = await tokenRegistry();
    try {
      const wrong = new OciRegistryClient(registry.host, {
        plainHttp: true,
        credentials: { username: USER, password: 'wrong-pass' },
      });
      const error = (await wrong.catalog().then(
        () => undefined,
        e => e,
      )) as RegistryError;
      expect(error).toBeInstanceOf(RegistryError);
      expect(error.message).toBe(
        `the token service of http://${registry.host} refused the configured credentials (HTTP 401)`,
      );
      expect(error.message).not.toContain('wrong-pass');
      const right = new OciRegistryClient(registry.host, {
        plainHttp: true,
        credentials: { username: USER, password: PASSWORD },
      });
      await expect(right.tags('library/none')).rejects.toMatchObject({
        status: 404,
        message:
          '/v2/library/none/tags/list answered HTTP 404: repository name not known to registry',
      });
    } finally {
      await registry.close();
    }
    const down = `127.0.0.1:${await freePort()}`;
    await expect(
      new OciRegistryClient(down, { plainHttp: true }).catalog(),
    ).rejects.toThrow(`cannot reach http://${down}: connect ECONNREFUSED`);
  });
});

describe('OciRegistryChartSource', () => {
  it('parses oci:// URLs and refuses others', () => {
    expect(parseOciUrl('oci://harbor.example.org:8443/team/charts/')).toEqual({
      host: 'harbor.example.org:8443',
      prefix: 'team/charts',
    });
    expect(parseOciUrl('oci://localhost:5000')).toEqual({
      host: 'localhost:5000',
      prefix: '',
    });
    expect(() => parseOciUrl('https://harbor.example.org/x')).toThrow(
      'is not an OCI registry URL',
    );
    expect(() => parseOciUrl('oci://user:pw@harbor/x')).toThrow(
      'is not an OCI registry URL',
    );
  });

  // No charts rather than an error: the knot plugin's other sources are
  // still offered (see HttpRepoChartSource.cluster.test.ts).
  it('a registry that is down is a logged warning, not an error', async () => {
    const warnings: string[] = [];
    const down = `127.0.0.1:${await freePort()}`;
    const source = new OciRegistryChartSource(`oci://${down}/library`, {
      plainHttp: true,
      credentials: { username: USER, password: PASSWORD },
      logger: { warn: w => warnings.push(w) },
    });
    await expect(source.list()).resolves.toEqual([]);
    expect(warnings).toEqual([
      expect.stringContaining(
        `Chart registry oci://${down}/library: cannot reach http://${down}: connect ECONNREFUSED`,
      ),
    ]);
    expect(warnings[0]).not.toContain(PASSWORD);
  });

  it('a missing per-profile project is no charts, not a warning', async () => {
    const registry = await tokenRegistry();
    try {
      const warnings: string[] = [];
      const source = new OciRegistryChartSource(
        `oci://${registry.host}/nobody`,
        {
          plainHttp: true,
          credentials: { username: USER, password: PASSWORD },
          logger: { warn: w => warnings.push(w) },
          missingOk: true,
        },
      );
      expect(await source.list()).toEqual([]);
      expect(warnings).toEqual([]);
    } finally {
      await registry.close();
    }
  });
});

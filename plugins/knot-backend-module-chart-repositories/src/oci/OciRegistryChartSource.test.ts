import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  HELM_CHART_LAYER_TYPE,
  HELM_CONFIG_TYPE,
  OciRegistryChartSource,
} from './OciRegistryChartSource';

const BASIC = `Basic ${Buffer.from('robot$knot:pw').toString('base64')}`;

/** A chart .tgz as `helm package` lays it out: `<name>/Chart.yaml`, … */
async function chartTgz(tmp: string, version: string): Promise<Buffer> {
  const dir = path.join(tmp, `app-${version}`);
  await fs.mkdir(path.join(dir, 'app'), { recursive: true });
  await fs.writeFile(
    path.join(dir, 'app', 'Chart.yaml'),
    `apiVersion: v2\nname: app\nversion: ${version}\n`,
  );
  await fs.writeFile(
    path.join(dir, 'app', 'values.yaml'),
    `# Size\nsize: ${version}\n`,
  );
  execFileSync('tar', ['-czf', `${dir}.tgz`, '-C', dir, 'app']);
  return fs.readFile(`${dir}.tgz`);
}

const digest = (data: Buffer | string) =>
  `sha256:${crypto.createHash('sha256').update(data).digest('hex')}`;

/**
 * Harbor as a project member sees it: the catalog is refused (system admins
 * only), the project API lists the repositories (Basic auth), `/v2` wants
 * Bearer tokens. Holds two chart versions and a container image.
 */
async function fakeHarbor(tmp: string) {
  const blobs = new Map<string, Buffer>();
  const manifests = new Map<string, string>();
  const put = (
    repo: string,
    tag: string,
    configType: string,
    layer: Buffer,
  ) => {
    const config = Buffer.from('{}');
    blobs.set(digest(config), config);
    blobs.set(digest(layer), layer);
    manifests.set(
      `${repo}:${tag}`,
      JSON.stringify({
        schemaVersion: 2,
        config: { mediaType: configType, digest: digest(config) },
        layers: [{ mediaType: HELM_CHART_LAYER_TYPE, digest: digest(layer) }],
      }),
    );
  };
  put('library/app', '1.0.0', HELM_CONFIG_TYPE, await chartTgz(tmp, '1.0.0'));
  put('library/app', '1.1.0', HELM_CONFIG_TYPE, await chartTgz(tmp, '1.1.0'));
  put(
    'library/image',
    '1.0.0',
    'application/vnd.oci.image.config.v1+json',
    Buffer.from('not a chart'),
  );
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const json = (status: number, body: unknown) => {
      res.statusCode = status;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/service/token') {
      if (req.headers.authorization !== BASIC) return json(401, {});
      return json(200, { token: 'member-token' });
    }
    if (url.pathname.startsWith('/api/v2.0/projects/')) {
      if (req.headers.authorization !== BASIC) return json(401, {});
      if (url.pathname !== '/api/v2.0/projects/library/repositories') {
        return json(404, {
          errors: [{ code: 'NOT_FOUND', message: 'project not found' }],
        });
      }
      return json(200, [{ name: 'library/app' }, { name: 'library/image' }]);
    }
    if (
      req.headers.authorization !== 'Bearer member-token' ||
      url.pathname === '/v2/_catalog'
    ) {
      res.setHeader(
        'WWW-Authenticate',
        `Bearer realm="http://${req.headers.host}/service/token",service="harbor-registry"`,
      );
      return json(401, { errors: [{ code: 'UNAUTHORIZED' }] });
    }
    const m = /^\/v2\/(.+)\/(tags|manifests|blobs)\/(.+)$/.exec(url.pathname);
    if (m?.[2] === 'tags') {
      const tags = [...manifests.keys()]
        .filter(k => k.startsWith(`${m[1]}:`))
        .map(k => k.split(':')[1]);
      return json(200, { name: m[1], tags: [...tags, 'latest'] });
    }
    if (m?.[2] === 'manifests' && manifests.has(`${m[1]}:${m[3]}`)) {
      res.setHeader(
        'Content-Type',
        'application/vnd.oci.image.manifest.v1+json',
      );
      return res.end(manifests.get(`${m[1]}:${m[3]}`));
    }
    if (m?.[2] === 'blobs' && blobs.has(m[3])) return res.end(blobs.get(m[3]));
    return json(404, { errors: [{ code: 'NAME_UNKNOWN' }] });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise(r => server.close(r));
    },
  };
}

describe('OciRegistryChartSource against a Harbor-like registry', () => {
  let tmp: string;
  let harbor: Awaited<ReturnType<typeof fakeHarbor>>;
  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'knot-harbor-'));
    harbor = await fakeHarbor(tmp);
  });
  afterAll(async () => {
    await harbor.close();
    await fs.rm(tmp, { recursive: true, force: true });
  });

  const source = (project: string, warnings: string[], missingOk = false) =>
    new OciRegistryChartSource(`oci://${harbor.host}/${project}`, {
      plainHttp: true,
      credentials: { username: 'robot$knot', password: 'pw' },
      cacheDir: path.join(tmp, 'cache'),
      logger: { warn: w => warnings.push(w) },
      missingOk,
    });

  it("lists a project through Harbor's API when the catalog is refused; images are not charts", async () => {
    const warnings: string[] = [];
    const charts = await source('library', warnings).list();
    expect(charts.map(c => [c.name, c.version, c.valuesYaml])).toEqual([
      ['app', '1.1.0', '# Size\nsize: 1.1.0\n'],
      ['app', '1.0.0', '# Size\nsize: 1.0.0\n'],
    ]);
    expect(charts[0].source).toBe(`oci://${harbor.host}/library`);
    expect(warnings).toEqual([]);
  });

  it('a missing project is no charts for a per-profile location, a warning otherwise', async () => {
    const warnings: string[] = [];
    expect(await source('nobody', warnings, true).list()).toEqual([]);
    expect(warnings).toEqual([]);
    expect(await source('nobody', warnings).list()).toEqual([]);
    expect(warnings).toEqual([
      `Chart registry oci://${harbor.host}/nobody: /api/v2.0/projects/nobody/repositories?page=1&page_size=100 answered HTTP 404: project not found`,
    ]);
  });
});

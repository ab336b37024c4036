import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  BUNDLED_CHARTS_DIR,
  describeWithCluster,
  runHelm,
  startKnotTestBackend,
  writeChart,
} from '@knot-platform/knot-test-utils';
import request from 'supertest';
import { HttpRepoChartSource } from './HttpRepoChartSource';
import { knotModuleChartRepositories } from './module';

jest.setTimeout(60_000);

// Needs only the helm binary, which the cluster environment puts on PATH.
describeWithCluster('HttpRepoChartSource with a real helm repository', () => {
  let tmp: string;
  let server: http.Server;
  let url: string;

  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'knot-repo-'));
    const repo = path.join(tmp, 'repo');
    await fs.mkdir(repo);
    for (const version of ['0.1.0', '0.2.0', '0.3.0']) {
      const src = await writeChart(
        {
          name: 'remote',
          version,
          chartYaml: 'annotations:\n  knot.title: Remote app\n',
          values: `# Greeting shown\ngreeting: hi ${version}\n`,
        },
        path.join(tmp, `src-${version}`),
      );
      await runHelm(['package', src, '-d', repo]);
    }
    await runHelm(['repo', 'index', repo]);
    server = http.createServer(async (req, res) => {
      try {
        res.end(await fs.readFile(path.join(repo, path.basename(req.url!))));
      } catch {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise(r => server.close(r));
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('offers the newest versions of a repository chart, unpacked', async () => {
    const warnings: string[] = [];
    const logger = { warn: (w: string) => warnings.push(w) };
    const charts = await new HttpRepoChartSource(url, {
      maxVersions: 2,
      cacheDir: path.join(tmp, 'cache'),
      logger,
    }).list();
    expect(charts.map(c => `${c.name}@${c.version}`)).toEqual([
      'remote@0.3.0',
      'remote@0.2.0',
    ]);
    expect(charts[0].source).toBe(url);
    expect(charts[0].title).toBe('Remote app');
    await expect(
      fs.stat(path.join(charts[0].helmRef.chart, 'Chart.yaml')),
    ).resolves.toBeTruthy();

    const down = new HttpRepoChartSource('http://127.0.0.1:1/', { logger });
    expect(await down.list()).toEqual([]);
    expect(warnings).toEqual([
      expect.stringContaining('Chart repository http://127.0.0.1:1/'),
    ]);
  });

  it('becomes Templates of the knot plugin next to the bundled charts, a repository that is down notwithstanding', async () => {
    const { server: backend } = await startKnotTestBackend({
      features: [knotModuleChartRepositories],
      config: {
        knot: {
          services: {
            chartsDir: BUNDLED_CHARTS_DIR,
            repositories: [
              { url, maxVersions: 2 },
              { url: 'http://127.0.0.1:1/' },
            ],
          },
        },
      },
    });
    const res = await request(backend)
      .get('/api/knot/catalog/entities/templates')
      .set('Authorization', mockCredentials.service.header());
    expect(res.status).toBe(200);
    const templates: Entity[] = res.body.items.map(
      (i: { entity: Entity }) => i.entity,
    );
    expect(templates.map(t => t.metadata.name)).toEqual([
      'knot-file-browser-1-0-1',
      'knot-hello-kubernetes-1-0-2',
      'knot-jupyter-notebook-1-0-1',
      'knot-remote-0-3-0',
      'knot-remote-0-2-0',
    ]);
    const remote = templates[3] as any;
    expect(remote.metadata.title).toBe('Remote app');
    // The chart's values under one parameter, apart from Knot's inputs.
    expect(remote.spec.steps[0].input.values).toBe('${{ parameters.values }}');
    expect(
      remote.spec.parameters[1].properties.values.properties.greeting,
    ).toEqual({
      type: 'string',
      default: 'hi 0.3.0',
      title: 'Greeting',
      description: 'Greeting shown',
    });
  });
});

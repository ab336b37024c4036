import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describeWithCluster } from '../__testUtils__/cluster';
import { ChartCatalog } from './ChartCatalog';
import { Helm } from './Helm';
import { HttpRepoChartSource } from './HttpRepoChartSource';
import { templateFromChart } from './templateFromChart';

jest.setTimeout(60_000);

// Needs only the helm binary, which the cluster environment puts on PATH.
describeWithCluster('HttpRepoChartSource with a real helm repository', () => {
  it('offers the newest versions of a repository chart, unpacked with helm', async () => {
    const helm = new Helm('helm');
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'knot-repo-'));
    const repo = path.join(tmp, 'repo');
    await fs.mkdir(repo);
    for (const version of ['0.1.0', '0.2.0', '0.3.0']) {
      const src = path.join(tmp, `src-${version}`, 'remote');
      await fs.mkdir(src, { recursive: true });
      await fs.writeFile(
        path.join(src, 'Chart.yaml'),
        `apiVersion: v2\nname: remote\nversion: ${version}\nannotations:\n  knot.title: Remote app\n`,
      );
      await fs.writeFile(
        path.join(src, 'values.yaml'),
        `# Greeting shown\ngreeting: hi ${version}\n`,
      );
      await helm.run(['package', src, '-d', repo]);
    }
    await helm.run(['repo', 'index', repo]);
    const server = http.createServer(async (req, res) => {
      try {
        res.end(await fs.readFile(path.join(repo, path.basename(req.url!))));
      } catch {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const warnings: string[] = [];
    try {
      const catalog = new ChartCatalog([
        new HttpRepoChartSource(url, helm, {
          maxVersions: 2,
          cacheDir: path.join(tmp, 'cache'),
          warn: w => warnings.push(w),
        }),
        new HttpRepoChartSource('http://127.0.0.1:1/', helm, {
          warn: w => warnings.push(w),
        }),
      ]);
      const charts = await catalog.list();
      expect(charts.map(c => `${c.name}@${c.version}`)).toEqual([
        'remote@0.3.0',
        'remote@0.2.0',
      ]);
      expect(charts[0].source).toBe(url);
      await expect(
        fs.stat(path.join(charts[0].helmRef.chart, 'Chart.yaml')),
      ).resolves.toBeTruthy();
      const template = templateFromChart(charts[0], {
        owner: 'group:default/a',
        latest: true,
        location: 'x',
      }) as any;
      expect(template.metadata.title).toBe('Remote app');
      expect(template.spec.parameters[1].properties.greeting).toEqual({
        type: 'string',
        default: 'hi 0.3.0',
        title: 'Greeting',
        description: 'Greeting shown',
      });
      expect(warnings).toEqual([
        expect.stringContaining('Chart repository http://127.0.0.1:1/'),
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise(r => server.close(r));
      await fs.rm(tmp, { recursive: true, force: true });
    }
  });
});

import path from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  readChartDir,
  type ChartInfo,
  type ChartSource,
} from '@knot-platform/plugin-knot-node';
import semver from 'semver';
import { parse as parseYaml } from 'yaml';
import { chartCacheDir } from './chartCacheDir';
import { unpackedChart } from './unpackChart';

interface IndexEntry {
  name: string;
  version: string;
  urls?: string[];
}

/**
 * A classic Helm chart repository (`index.yaml` over HTTP, e.g. Harbor's or
 * ChartMuseum's). The newest `maxVersions` versions of each chart are
 * downloaded and unpacked once into a cache (chart versions are immutable),
 * so the form is generated from the real values.yaml and installs need no
 * network.
 */
export class HttpRepoChartSource implements ChartSource {
  constructor(
    private readonly url: string,
    private readonly options: {
      maxVersions?: number;
      cacheDir?: string;
      logger?: Pick<LoggerService, 'warn'>;
      /** No index.yaml (404) is no charts rather than an error (per-profile URLs). */
      missingOk?: boolean;
    } = {},
  ) {}

  private get cacheDir(): string {
    return chartCacheDir(this.url, this.options.cacheDir);
  }

  async list(): Promise<ChartInfo[]> {
    const base = this.url.endsWith('/') ? this.url : `${this.url}/`;
    let index: { entries?: Record<string, IndexEntry[]> };
    try {
      const response = await fetch(new URL('index.yaml', base));
      if (response.status === 404 && this.options.missingOk) return [];
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      index = parseYaml(await response.text());
    } catch (e) {
      // One unreachable repository must not hide every other chart.
      this.options.logger?.warn(
        `Chart repository ${this.url}: ${(e as Error).message}`,
      );
      return [];
    }
    const charts: ChartInfo[] = [];
    for (const versions of Object.values(index.entries ?? {})) {
      const newest = [...versions]
        .filter(v => v.urls?.length)
        .sort((a, b) =>
          semver.valid(a.version) && semver.valid(b.version)
            ? semver.rcompare(a.version, b.version)
            : b.version.localeCompare(a.version),
        )
        .slice(0, this.options.maxVersions ?? 3);
      for (const entry of newest) {
        try {
          charts.push(await this.unpacked(entry, base));
        } catch (e) {
          this.options.logger?.warn(
            `Skipping ${entry.name} ${entry.version} from ${this.url}: ${
              (e as Error).message
            }`,
          );
        }
      }
    }
    return charts;
  }

  private async unpacked(entry: IndexEntry, base: string): Promise<ChartInfo> {
    const dir = path.join(this.cacheDir, `${entry.name}-${entry.version}`);
    const chartDir = await unpackedChart(dir, async () => {
      const archive = new URL(entry.urls![0], base);
      const response = await fetch(archive);
      if (!response.ok) {
        throw new Error(`${archive} answered HTTP ${response.status}`);
      }
      return Buffer.from(await response.arrayBuffer());
    });
    return readChartDir(chartDir, this.url);
  }
}

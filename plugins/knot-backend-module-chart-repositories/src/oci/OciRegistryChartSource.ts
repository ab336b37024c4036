import path from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  readChartDir,
  type ChartInfo,
  type ChartSource,
} from '@knot-platform/plugin-knot-node';
import semver from 'semver';
import { chartCacheDir } from '../chartCacheDir';
import { unpackedChart } from '../unpackChart';
import {
  OciRegistryClient,
  RegistryError,
  type RegistryCredentials,
} from './OciRegistryClient';

export const HELM_CONFIG_TYPE = 'application/vnd.cncf.helm.config.v1+json';
export const HELM_CHART_LAYER_TYPE =
  'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

/** `oci://host[:port]/path` → host and repository prefix (may be empty). */
export function parseOciUrl(url: string): { host: string; prefix: string } {
  const m = /^oci:\/\/([^/]+)\/?(.*)$/.exec(url.trim());
  if (!m || m[1].includes('@')) {
    throw new Error(
      `'${url}' is not an OCI registry URL (oci://host[:port]/project)`,
    );
  }
  return { host: m[1], prefix: m[2].replace(/\/+$/, '') };
}

/**
 * Charts pushed to an OCI registry (`helm push … oci://host/project`, e.g. a
 * Harbor project). Repositories under the URL's path are found through
 * `/v2/_catalog` (Harbor's project API when the catalog is not allowed), the
 * newest `maxVersions` tags of each whose manifest is a Helm chart are
 * downloaded once into a cache (keyed by the chart layer's digest) and
 * unpacked, so forms come from the real values.yaml and helm installs from
 * the unpacked chart: credentials never reach helm, templates or task logs.
 */
export class OciRegistryChartSource implements ChartSource {
  private readonly client: OciRegistryClient;
  private readonly prefix: string;

  constructor(
    private readonly url: string,
    private readonly options: {
      credentials?: RegistryCredentials;
      plainHttp?: boolean;
      maxVersions?: number;
      cacheDir?: string;
      logger?: Pick<LoggerService, 'warn'>;
      /** A missing project is no charts rather than an error (per-profile URLs). */
      missingOk?: boolean;
    } = {},
  ) {
    const { host, prefix } = parseOciUrl(url);
    this.prefix = prefix;
    this.client = new OciRegistryClient(host, {
      credentials: options.credentials,
      plainHttp: options.plainHttp,
    });
  }

  async list(): Promise<ChartInfo[]> {
    let repositories: string[];
    try {
      repositories = await this.repositories();
    } catch (e) {
      if (this.options.missingOk && (e as RegistryError).status === 404) {
        return [];
      }
      // One unreachable registry must not hide every other chart.
      this.options.logger?.warn(
        `Chart registry ${this.url}: ${(e as Error).message}`,
      );
      return [];
    }
    const charts: ChartInfo[] = [];
    for (const repository of repositories) {
      try {
        charts.push(...(await this.repositoryCharts(repository)));
      } catch (e) {
        this.options.logger?.warn(
          `Skipping ${repository} from ${this.url}: ${(e as Error).message}`,
        );
      }
    }
    return charts;
  }

  /** Repositories under the prefix. */
  private async repositories(): Promise<string[]> {
    const under = this.prefix ? `${this.prefix}/` : '';
    try {
      const all = await this.client.catalog();
      return all.filter(r => r.startsWith(under)).sort();
    } catch (e) {
      const status = (e as RegistryError).status;
      if (!this.prefix || ![401, 403, 404].includes(status ?? 0)) throw e;
    }
    // Harbor lets only system admins read the catalog; a project member
    // (or robot account) lists the project's repositories instead.
    const project = this.prefix.split('/')[0];
    const names: string[] = [];
    for (let page = 1; page <= 100; page++) {
      const batch = await this.client.json<{ name: string }[]>(
        `/api/v2.0/projects/${encodeURIComponent(
          project,
        )}/repositories?page=${page}&page_size=100`,
        `repository:${project}/*:pull`,
        undefined,
        true,
      );
      names.push(...batch.map(r => r.name));
      if (batch.length < 100) break;
    }
    return names.filter(r => r.startsWith(under)).sort();
  }

  private async repositoryCharts(repository: string): Promise<ChartInfo[]> {
    // helm stores `+` of a version as `_` in the tag.
    const versions = (await this.client.tags(repository))
      .map(tag => ({ tag, version: tag.replace(/_/g, '+') }))
      .filter(t => semver.valid(t.version))
      .sort((a, b) => semver.rcompare(a.version, b.version))
      .slice(0, this.options.maxVersions ?? 3);
    const charts: ChartInfo[] = [];
    for (const { tag } of versions) {
      const manifest = await this.client.manifest(repository, tag);
      // Registries hold images too: a repository that is not a chart is
      // simply not offered.
      if (manifest.config?.mediaType !== HELM_CONFIG_TYPE) return charts;
      const layer = manifest.layers?.find(
        l => l.mediaType === HELM_CHART_LAYER_TYPE,
      );
      if (!layer) continue;
      charts.push(await this.unpacked(repository, layer.digest));
    }
    return charts;
  }

  private get cacheDir(): string {
    return chartCacheDir(this.url, this.options.cacheDir);
  }

  /** The chart layer unpacked once per digest: `<cache>/<digest>/<chart>/`. */
  private async unpacked(repository: string, digest: string) {
    const dir = path.join(this.cacheDir, digest.replace(':', '-'));
    const chartDir = await unpackedChart(dir, () =>
      this.client.blob(repository, digest),
    );
    return readChartDir(chartDir, this.url);
  }
}

import semver from 'semver';
import type { ChartInfo, ChartSource } from './ChartSource';

/** All chart sources together; the newest version of each chart first. */
export class ChartCatalog {
  private cached?: { at: number; charts: Promise<ChartInfo[]> };

  /** `ttlMs`: how long a listing is reused (installs look charts up each time). */
  constructor(
    private readonly sources: ChartSource[],
    private readonly ttlMs = 0,
  ) {}

  /** Every chart version offered (hidden ones left out). */
  async list(): Promise<ChartInfo[]> {
    if (this.cached && Date.now() - this.cached.at < this.ttlMs) {
      return this.cached.charts;
    }
    const charts = this.load();
    this.cached = { at: Date.now(), charts };
    charts.catch(() => (this.cached = undefined));
    return charts;
  }

  private async load(): Promise<ChartInfo[]> {
    const all = (await Promise.all(this.sources.map(s => s.list()))).flat();
    return all
      .filter(c => !c.hidden)
      .sort(
        (a, b) =>
          a.name.localeCompare(b.name) ||
          (semver.valid(a.version) && semver.valid(b.version)
            ? semver.rcompare(a.version, b.version)
            : b.version.localeCompare(a.version)),
      );
  }

  /** The offered chart `name` at `version` (the newest when omitted). */
  async find(name: string, version?: string): Promise<ChartInfo | undefined> {
    return (await this.list()).find(
      c => c.name === name && (!version || c.version === version),
    );
  }
}

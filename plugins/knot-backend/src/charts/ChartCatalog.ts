import type {
  ChartInfo,
  ChartSource,
  ChartSourceContext,
} from '@knot-platform/plugin-knot-node';
import semver from 'semver';

/** All chart sources together; the newest version of each chart first. */
export class ChartCatalog {
  private cached?: { at: number; charts: Promise<ChartInfo[]> };

  /**
   * `context`: what sources are told when listing; `ttlMs`: how long a
   * listing is reused (installs look charts up each time).
   */
  constructor(
    private readonly sources: ChartSource[],
    private readonly context: ChartSourceContext,
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
    const all = (
      await Promise.all(this.sources.map(s => s.list(this.context)))
    ).flat();
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

  /**
   * The chart `name` at `version` (the newest when omitted) offered to
   * `profile`: its own per-profile charts first, then the global ones.
   * Without a profile only global charts are looked at.
   */
  async find(
    name: string,
    version?: string,
    profile?: string,
  ): Promise<ChartInfo | undefined> {
    const matching = (await this.list()).filter(
      c =>
        c.name === name &&
        (!version || c.version === version) &&
        (!c.profile || c.profile.name === profile),
    );
    return matching.find(c => c.profile) ?? matching[0];
  }

  /** The profiles whose own chart locations offer `name` (at `version`). */
  async owners(name: string, version?: string): Promise<string[]> {
    const owners = (await this.list())
      .filter(c => c.name === name && (!version || c.version === version))
      .flatMap(c => (c.profile ? [c.profile.name] : []));
    return [...new Set(owners)];
  }
}

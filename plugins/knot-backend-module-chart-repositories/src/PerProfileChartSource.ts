import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  ChartInfo,
  ChartProfile,
  ChartSource,
  ChartSourceContext,
} from '@knot-platform/plugin-knot-node';

/** The placeholder of a per-profile chart location. */
export const PROFILE_PLACEHOLDER = '{profile}';

/**
 * A chart location per user or team, e.g. `oci://harbor.example.org/{profile}`
 * (each user's own Harbor project, as in the original Knot). Every active
 * profile's location is read; its charts are marked as that profile's, so
 * only it is offered and may deploy them. A profile without a location (404)
 * simply has no charts.
 */
export class PerProfileChartSource implements ChartSource {
  private readonly sources = new Map<string, ChartSource>();

  constructor(
    private readonly urlTemplate: string,
    /** The source of one profile's location; `missingOk` semantics expected. */
    private readonly sourceFor: (url: string) => ChartSource,
    private readonly logger?: Pick<LoggerService, 'warn'>,
  ) {}

  async list(context: ChartSourceContext): Promise<ChartInfo[]> {
    let profiles: ChartProfile[];
    try {
      profiles = await context.profiles();
    } catch (e) {
      this.logger?.warn(
        `Per-profile charts ${this.urlTemplate}: cannot list profiles: ${
          (e as Error).message
        }`,
      );
      return [];
    }
    const charts: ChartInfo[] = [];
    // A few at a time: cheap for the registry, bounded wall time.
    const queue = [...profiles];
    const worker = async () => {
      for (let p = queue.shift(); p; p = queue.shift()) {
        const profile = p;
        const found = await this.source(profile).list(context);
        charts.push(...found.map(c => ({ ...c, profile })));
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    // Forget the caches of profiles that are gone.
    const current = new Set(profiles.map(p => this.url(p)));
    for (const url of this.sources.keys()) {
      if (!current.has(url)) this.sources.delete(url);
    }
    return charts;
  }

  private url(profile: ChartProfile): string {
    return this.urlTemplate
      .split(PROFILE_PLACEHOLDER)
      .join(encodeURIComponent(profile.name));
  }

  private source(profile: ChartProfile): ChartSource {
    const url = this.url(profile);
    let source = this.sources.get(url);
    if (!source) {
      source = this.sourceFor(url);
      this.sources.set(url, source);
    }
    return source;
  }
}

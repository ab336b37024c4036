import type {
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import type { DeferredEntity } from '@backstage/plugin-catalog-node';
import { ScheduledEntityProvider } from '../catalog/ScheduledEntityProvider';
import type { ChartCatalog } from './ChartCatalog';
import { privateChartTemplate } from './profileChartTemplate';
import { templateFromChart } from './templateFromChart';

/** Emits one Software Template per offered chart version. */
export class ChartTemplateProvider extends ScheduledEntityProvider {
  constructor(
    private readonly charts: ChartCatalog,
    private readonly owner: string,
    logger: LoggerService,
    schedule?: SchedulerServiceTaskRunner,
  ) {
    super(logger, schedule);
  }

  getProviderName(): string {
    return 'knot-chart-templates';
  }

  protected async readEntities(): Promise<DeferredEntity[]> {
    const charts = await this.charts.list();
    const seen = new Set<string>();
    const entities = charts.map(chart => {
      const key = `${chart.profile?.name ?? ''}/${chart.name}`;
      const latest = !seen.has(key);
      seen.add(key);
      const location = `knot-charts:${chart.source}`;
      const template = templateFromChart(chart, {
        owner: this.owner,
        latest,
        location,
      });
      return {
        entity: chart.profile
          ? privateChartTemplate(template, chart.profile)
          : template,
        locationKey: `${this.getProviderName()}:${chart.source}`,
      };
    });
    this.logger.info(`Knot offers ${entities.length} chart template(s)`);
    return entities;
  }
}

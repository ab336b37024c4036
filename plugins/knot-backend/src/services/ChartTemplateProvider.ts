import type {
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import type {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import type { ChartCatalog } from './ChartCatalog';
import { templateFromChart } from './templateFromChart';

/** Emits one Software Template per offered chart version. */
export class ChartTemplateProvider implements EntityProvider {
  private connection?: EntityProviderConnection;

  constructor(
    private readonly charts: ChartCatalog,
    private readonly owner: string,
    private readonly logger: LoggerService,
    private readonly schedule?: SchedulerServiceTaskRunner,
  ) {}

  getProviderName(): string {
    return 'knot-chart-templates';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.schedule?.run({
      id: `${this.getProviderName()}:refresh`,
      fn: () => this.refresh(),
    });
  }

  async refresh(): Promise<void> {
    if (!this.connection)
      throw new Error('ChartTemplateProvider not connected');
    const charts = await this.charts.list();
    const seen = new Set<string>();
    const entities = charts.map(chart => {
      const latest = !seen.has(chart.name);
      seen.add(chart.name);
      const location = `knot-charts:${chart.source}`;
      return {
        entity: templateFromChart(chart, {
          owner: this.owner,
          latest,
          location,
        }),
        locationKey: `${this.getProviderName()}:${chart.source}`,
      };
    });
    await this.connection.applyMutation({ type: 'full', entities });
    this.logger.info(`Knot offers ${entities.length} chart template(s)`);
  }
}

import type {
  KnotCatalogEntities,
  ServiceExposure,
} from '@knot-platform/plugin-knot-common';
import type { ChartCatalog } from './ChartCatalog';
import { privateChartTemplate } from './profileChartTemplate';
import { templateFromChart } from './templateFromChart';

/** The catalog provider the chart Templates belong to. */
export const TEMPLATES_PROVIDER = 'knot-chart-templates';

/**
 * One Software Template per offered chart version; the newest version of a
 * chart is titled plainly, older ones with their version. A profile's own
 * chart becomes that profile's private Template.
 */
export async function chartTemplateEntities(
  charts: ChartCatalog,
  owner: string,
  exposure: ServiceExposure,
): Promise<KnotCatalogEntities> {
  const seen = new Set<string>();
  const items = (await charts.list()).map(chart => {
    const key = `${chart.profile?.name ?? ''}/${chart.name}`;
    const latest = !seen.has(key);
    seen.add(key);
    const template = templateFromChart(chart, {
      owner,
      latest,
      location: `knot-charts:${chart.source}`,
      exposure,
    });
    return {
      entity: chart.profile
        ? privateChartTemplate(template, chart.profile)
        : template,
      locationKey: `${TEMPLATES_PROVIDER}:${chart.source}`,
    };
  });
  return { items };
}

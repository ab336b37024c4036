import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { ChartSource } from './ChartSource';

/**
 * Where modules of the knot plugin add chart sources: their charts are
 * offered next to the bundled ones (Templates in Create, installs, the
 * "Change values" form).
 */
export interface KnotChartSourcesExtensionPoint {
  addChartSource(...sources: ChartSource[]): void;
}

/** The knot plugin's extension point for chart sources. */
export const knotChartSourcesExtensionPoint =
  createExtensionPoint<KnotChartSourcesExtensionPoint>({
    id: 'knot.chart-sources',
  });

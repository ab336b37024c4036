import path from 'node:path';
import { testKubeconfig } from './cluster';

/** The repository's bundled charts (charts/). */
export const BUNDLED_CHARTS_DIR = path.resolve(__dirname, '../../../../charts');

/**
 * Config of the services suites on the real cluster: the test kubeconfig,
 * services under `<name>-<user>.knot.test`, the bundled charts.
 */
export function servicesTestConfigData() {
  return {
    app: { baseUrl: 'http://portal.test' },
    knot: {
      kubernetes: { kubeconfig: testKubeconfig() },
      ingress: { domain: 'knot.test' },
      services: { chartsDir: BUNDLED_CHARTS_DIR },
    },
  };
}

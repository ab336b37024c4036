import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { knotChartSourcesExtensionPoint } from '@knot-platform/plugin-knot-node';
import { chartSourcesFromConfig } from './chartSourcesFromConfig';

/**
 * Knot module: the chart repositories of `knot.services.repositories` —
 * classic HTTP repositories, OCI registries (e.g. Harbor projects) and
 * per-profile locations (`{profile}`) — offered next to the bundled charts.
 *
 * @public
 */
export const knotModuleChartRepositories = createBackendModule({
  pluginId: 'knot',
  moduleId: 'chart-repositories',
  register(reg) {
    reg.registerInit({
      deps: {
        chartSources: knotChartSourcesExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ chartSources, config, logger }) {
        chartSources.addChartSource(...chartSourcesFromConfig(config, logger));
      },
    });
  },
});

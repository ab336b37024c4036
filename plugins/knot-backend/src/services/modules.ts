import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { profileAccessServiceRef } from '../profiles/ProfileAccess';
import { KnotApiChartProfiles } from './ChartProfiles';
import { ChartTemplateProvider } from './ChartTemplateProvider';
import { createHelmInstallAction } from './helmInstallAction';
import { exposureFromConfig } from './knotValues';
import { ReleaseComponentProvider } from './ReleaseComponentProvider';
import {
  chartCatalogFromConfig,
  createServiceInstaller,
  helmFromConfig,
  namespacePrefixFromConfig,
} from './settings';

/** Catalog module: a Template per chart version, a Component per release. */
export const knotServicesCatalogModule = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'knot-services',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        access: profileAccessServiceRef,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ catalog, config, logger, scheduler, access, ...knotApi }) {
        const charts = chartCatalogFromConfig(
          config,
          m => logger.warn(m),
          new KnotApiChartProfiles(knotApi.discovery, knotApi.auth),
        );
        const owner =
          config.getOptionalString('knot.services.templateOwner') ??
          'group:default/knot-admins';
        catalog.addEntityProvider(
          new ChartTemplateProvider(
            charts,
            owner,
            logger,
            scheduler.createScheduledTaskRunner({
              frequency: { minutes: 5 },
              timeout: { minutes: 2 },
            }),
          ),
        );
        catalog.addEntityProvider(
          new ReleaseComponentProvider(
            helmFromConfig(config),
            access,
            exposureFromConfig(config),
            namespacePrefixFromConfig(config),
            logger,
            scheduler.createScheduledTaskRunner({
              frequency: { seconds: 20 },
              timeout: { minutes: 1 },
            }),
          ),
        );
      },
    });
  },
});

/** Scaffolder module: the `knot:helm:install` action. */
export const knotServicesScaffolderModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'knot-services',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        access: profileAccessServiceRef,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ scaffolder, config, logger, access, ...knotApi }) {
        scaffolder.addActions(
          createHelmInstallAction(
            createServiceInstaller(
              config,
              access,
              m => logger.warn(m),
              new KnotApiChartProfiles(knotApi.discovery, knotApi.auth),
            ),
          ),
        );
      },
    });
  },
});

import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { KnotProfilesEntityProvider } from './KnotProfilesEntityProvider';

/**
 * Catalog module: Knot users and teams as User and Group entities.
 *
 * @public
 */
export const catalogModuleKnotProfiles = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'knot-profiles',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
      },
      async init({ catalog, discovery, auth, logger, scheduler }) {
        catalog.addEntityProvider(
          new KnotProfilesEntityProvider({
            discovery,
            auth,
            logger,
            schedule: scheduler.createScheduledTaskRunner({
              frequency: { seconds: 15 },
              timeout: { minutes: 1 },
              initialDelay: { seconds: 5 },
            }),
          }),
        );
      },
    });
  },
});

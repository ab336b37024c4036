import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { profileChangesServiceRef } from '../profiles/profileChangesService';
import { coalesced } from './coalesced';
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
        profileChanges: profileChangesServiceRef,
      },
      async init({
        catalog,
        discovery,
        auth,
        logger,
        scheduler,
        profileChanges,
      }) {
        const provider = new KnotProfilesEntityProvider({
          discovery,
          auth,
          logger,
          // A safety net: changes in this backend arrive as they happen
          // (below); the schedule catches those of other replicas.
          schedule: scheduler.createScheduledTaskRunner({
            frequency: { minutes: 1 },
            timeout: { minutes: 1 },
            initialDelay: { seconds: 5 },
          }),
        });
        catalog.addEntityProvider(provider);
        const refresh = coalesced(() =>
          provider.refresh().then(
            () => undefined,
            error =>
              logger.warn(`knot-profiles refresh failed: ${error.message}`),
          ),
        );
        profileChanges.subscribe(() => refresh());
      },
    });
  },
});

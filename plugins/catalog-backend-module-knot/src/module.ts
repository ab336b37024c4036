import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type PermissionsRegistryService,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { KnotEntityProviderName } from '@knot-platform/plugin-knot-common';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  catalogProcessingExtensionPoint,
  type CatalogProcessingExtensionPoint,
} from '@backstage/plugin-catalog-node';
import {
  KNOT_PROFILES_TOPIC,
  knotServiceRef,
} from '@knot-platform/plugin-knot-node';
import { KnotAudienceProcessor, knotAudienceRule } from './audience';
import { coalesced } from './coalesced';
import { KnotEntityProvider } from './KnotEntityProvider';

/**
 * Knot's providers: their catalog names, the knot plugin's entity sets and
 * their schedules when `catalog.providers.knot.<key>.schedule` is not set.
 */
const PROVIDERS: Record<
  KnotEntityProviderName,
  { name: string; schedule: SchedulerServiceTaskScheduleDefinition }
> = {
  // A safety net: profile changes arrive as events (below); the schedule
  // catches those of other replicas.
  profiles: {
    name: 'knot-profiles',
    schedule: {
      frequency: { minutes: 1 },
      timeout: { minutes: 1 },
      initialDelay: { seconds: 5 },
    },
  },
  templates: {
    name: 'knot-chart-templates',
    schedule: { frequency: { minutes: 5 }, timeout: { minutes: 2 } },
  },
  releases: {
    name: 'knot-service-releases',
    schedule: { frequency: { seconds: 20 }, timeout: { minutes: 1 } },
  },
};

function scheduleOf(
  config: Config,
  key: KnotEntityProviderName,
): SchedulerServiceTaskScheduleDefinition {
  const path = `catalog.providers.knot.${key}.schedule`;
  return config.has(path)
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        config.getConfig(path),
      )
    : PROVIDERS[key].schedule;
}

/**
 * What Knot's permission policy needs of the catalog: the processor that
 * stamps every entity's audience and the rule that filters on it.
 */
function installAudience(
  catalog: CatalogProcessingExtensionPoint,
  permissionsRegistry: PermissionsRegistryService,
) {
  catalog.addProcessor(new KnotAudienceProcessor());
  permissionsRegistry.addPermissionRules([knotAudienceRule]);
}

/**
 * Catalog module with only the audience of Knot's permission policy (the
 * `knot/audience` annotation on every entity and the catalog permission
 * rule on it), for a backend with Knot's policy but not its providers.
 * `catalogModuleKnot` installs it too: add one or the other.
 *
 * @public
 */
export const catalogModuleKnotAudience = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'knot-audience',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({ catalog, permissionsRegistry }) {
        installAudience(catalog, permissionsRegistry);
      },
    });
  },
});

/**
 * Catalog module: Knot's users and teams as Users and Groups (refreshed at
 * once on the knot plugin's profile events), a Template per offered chart
 * version and a Component per deployed service — all produced by the knot
 * plugin and fetched through `knotServiceRef`. It also stamps every
 * entity's audience and installs the catalog permission rule Knot's
 * permission policy filters with (see `catalogModuleKnotAudience`).
 *
 * @public
 */
export const catalogModuleKnot = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'knot',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        knot: knotServiceRef,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        events: eventsServiceRef,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({
        catalog,
        knot,
        config,
        logger,
        scheduler,
        events,
        permissionsRegistry,
      }) {
        installAudience(catalog, permissionsRegistry);
        const providers = (
          Object.keys(PROVIDERS) as KnotEntityProviderName[]
        ).map(
          entities =>
            new KnotEntityProvider({
              name: PROVIDERS[entities].name,
              entities,
              knot,
              logger,
              schedule: scheduler.createScheduledTaskRunner(
                scheduleOf(config, entities),
              ),
            }),
        );
        catalog.addEntityProvider(providers);
        const [profiles] = providers;
        const refresh = coalesced(() =>
          profiles.refresh().then(
            () => undefined,
            error =>
              logger.warn(`knot-profiles refresh failed: ${error.message}`),
          ),
        );
        await events.subscribe({
          id: 'knot-profiles',
          topics: [KNOT_PROFILES_TOPIC],
          onEvent: async () => refresh(),
        });
      },
    });
  },
});

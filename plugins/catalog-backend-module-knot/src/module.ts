import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { KnotEntityProviderName } from '@knot-platform/plugin-knot-common';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import {
  KNOT_PROFILES_TOPIC,
  knotServiceRef,
} from '@knot-platform/plugin-knot-node';
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
 * Catalog module: Knot's users and teams as Users and Groups (refreshed at
 * once on the knot plugin's profile events), a Template per offered chart
 * version and a Component per deployed service — all produced by the knot
 * plugin and fetched through `knotServiceRef`.
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
      },
      async init({ catalog, knot, config, logger, scheduler, events }) {
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

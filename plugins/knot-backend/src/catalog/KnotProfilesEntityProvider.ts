import type {
  AuthService,
  DiscoveryService,
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { KnotCatalogProfiles } from '@knot-platform/plugin-knot-common';
import type { DeferredEntity } from '@backstage/plugin-catalog-node';
import { KNOT_PROFILES_LOCATION, profileEntities } from './profileEntities';
import { ScheduledEntityProvider } from './ScheduledEntityProvider';

/**
 * Emits Knot's active users and teams as User and Group entities. It runs in
 * the catalog plugin, so it asks the Knot plugin over HTTP (each plugin has
 * its own database): when the user store changes (see catalog/module.ts)
 * and on a schedule.
 */
export class KnotProfilesEntityProvider extends ScheduledEntityProvider {
  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
      schedule: SchedulerServiceTaskRunner;
    },
  ) {
    super(options.logger, options.schedule);
  }

  getProviderName(): string {
    return 'knot-profiles';
  }

  /** The current active users and teams, from the Knot plugin. */
  protected async readEntities(): Promise<DeferredEntity[]> {
    const { discovery, auth } = this.options;
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'knot',
    });
    const response = await fetch(
      `${await discovery.getBaseUrl('knot')}/catalog/profiles`,
      { headers: { Authorization: `Bearer ${token}` } },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const profiles = (await response.json()) as KnotCatalogProfiles;
    return profileEntities(profiles).map(entity => ({
      entity,
      locationKey: KNOT_PROFILES_LOCATION,
    }));
  }
}

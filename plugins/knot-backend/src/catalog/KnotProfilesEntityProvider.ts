import type {
  AuthService,
  DiscoveryService,
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { KnotCatalogProfiles } from '@internal/plugin-knot-common';
import type {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { KNOT_PROFILES_LOCATION, profileEntities } from './profileEntities';

/**
 * Emits Knot's active users and teams as User and Group entities. It runs in
 * the catalog plugin, so it asks the Knot plugin over HTTP (each plugin has
 * its own database), on a short schedule so approvals show up quickly.
 */
export class KnotProfilesEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;

  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
      schedule: SchedulerServiceTaskRunner;
    },
  ) {}

  getProviderName(): string {
    return 'knot-profiles';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.options.schedule.run({
      id: `${this.getProviderName()}:refresh`,
      fn: async () => {
        try {
          await this.refresh();
        } catch (error) {
          this.options.logger.warn(
            `Could not read Knot users and teams: ${(error as Error).message}`,
          );
        }
      },
    });
  }

  /** Replaces the provider's entities with the current users and teams. */
  async refresh(): Promise<void> {
    if (!this.connection) {
      throw new Error('Not connected to the catalog');
    }
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
    await this.connection.applyMutation({
      type: 'full',
      entities: profileEntities(profiles).map(entity => ({
        entity,
        locationKey: KNOT_PROFILES_LOCATION,
      })),
    });
  }
}

import type {
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import type {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import type { KnotEntityProviderName } from '@knot-platform/plugin-knot-common';
import type { KnotService } from '@knot-platform/plugin-knot-node';

/**
 * One of Knot's catalog providers: the knot plugin produces the entities
 * (Users and Groups, chart Templates, release Components); this provider
 * fetches the whole set and replaces its entities with it (a full mutation),
 * on a schedule and on demand. A failed run is logged and retried on the
 * next one.
 */
export class KnotEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;

  constructor(
    private readonly options: {
      /** The provider's name in the catalog. */
      name: string;
      /** Which of the knot plugin's entity sets. */
      entities: KnotEntityProviderName;
      knot: Pick<KnotService, 'catalogEntities'>;
      logger: LoggerService;
      schedule?: SchedulerServiceTaskRunner;
    },
  ) {}

  getProviderName(): string {
    return this.options.name;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.options.schedule?.run({
      id: `${this.getProviderName()}:refresh`,
      fn: async () => {
        try {
          await this.refresh();
        } catch (error) {
          this.options.logger.warn(
            `${this.getProviderName()} refresh failed: ${
              (error as Error).message
            }`,
          );
        }
      },
    });
  }

  /** Replaces the provider's entities; answers how many there are now. */
  async refresh(): Promise<number> {
    if (!this.connection) {
      throw new Error(
        `${this.getProviderName()} is not connected to the catalog`,
      );
    }
    const { items } = await this.options.knot.catalogEntities(
      this.options.entities,
    );
    await this.connection.applyMutation({ type: 'full', entities: items });
    return items.length;
  }
}

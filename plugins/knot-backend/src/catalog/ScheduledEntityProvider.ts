import type {
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import type {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';

/**
 * A catalog entity provider that replaces all of its entities on a schedule
 * (a full mutation each run). Subclasses say what the entities are; a failed
 * run is logged and retried on the next one.
 */
export abstract class ScheduledEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;

  protected constructor(
    protected readonly logger: LoggerService,
    private readonly schedule?: SchedulerServiceTaskRunner,
  ) {}

  abstract getProviderName(): string;

  /** The provider's entities, as they are now. */
  protected abstract readEntities(): Promise<DeferredEntity[]>;

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.schedule?.run({
      id: `${this.getProviderName()}:refresh`,
      fn: async () => {
        try {
          await this.refresh();
        } catch (error) {
          this.logger.warn(
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
    const entities = await this.readEntities();
    await this.connection.applyMutation({ type: 'full', entities });
    return entities.length;
  }
}

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
import {
  appliedEntities,
  entityDelta,
  type AppliedEntities,
} from './entityDelta';

/** How often a provider replaces its whole set all the same (see below). */
const FULL_EVERY_MS = 10 * 60_000;

/**
 * One of Knot's catalog providers: the knot plugin produces the entities
 * (Users and Groups, chart Templates, release Components); this provider
 * fetches the whole set, on a schedule and on demand, and applies only what
 * changed since its last run (a delta mutation; none when nothing did). The
 * first run, any run after a failed one and one every 10 minutes replace the
 * whole set (a full mutation): another replica may have run the schedule in
 * between, so this replica's memory of the catalog can be stale. A failed
 * run is logged and retried on the next one.
 */
export class KnotEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  /** The set last applied and when the last full mutation was. */
  private applied?: AppliedEntities;
  private fullAt = 0;
  /** Runs one after another (schedule and events), each on the last's set. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly options: {
      /** The provider's name in the catalog. */
      name: string;
      /** Which of the knot plugin's entity sets. */
      entities: KnotEntityProviderName;
      knot: Pick<KnotService, 'catalogEntities'>;
      logger: LoggerService;
      schedule?: SchedulerServiceTaskRunner;
      /** Milliseconds between full mutations. @default 10 minutes */
      fullEveryMs?: number;
      now?: () => number;
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

  /** Brings the provider's entities up to date; answers how many there are now. */
  refresh(): Promise<number> {
    const run = this.queue.then(() => this.update());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async update(): Promise<number> {
    const connection = this.connection;
    if (!connection) {
      throw new Error(
        `${this.getProviderName()} is not connected to the catalog`,
      );
    }
    const { items } = await this.options.knot.catalogEntities(
      this.options.entities,
    );
    const now = this.options.now?.() ?? Date.now();
    const current = appliedEntities(items);
    const before = this.applied;
    // Until this mutation is known to be applied, the catalog's set is unknown.
    this.applied = undefined;
    if (
      !before ||
      now - this.fullAt >= (this.options.fullEveryMs ?? FULL_EVERY_MS)
    ) {
      await connection.applyMutation({ type: 'full', entities: items });
      this.fullAt = now;
    } else {
      const { added, removed } = entityDelta(before, items, current);
      if (added.length || removed.length) {
        await connection.applyMutation({ type: 'delta', added, removed });
      }
    }
    this.applied = current;
    return items.length;
  }
}

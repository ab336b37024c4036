import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { AuditLog } from './AuditLog';

/**
 * Deletes audit entries past the retention, at start and then daily (one
 * replica at a time: the scheduler's tasks are cluster-wide).
 */
export async function scheduleAuditRetention(options: {
  scheduler: SchedulerService;
  audit: Pick<AuditLog, 'prune'>;
  retentionDays: number;
  logger: LoggerService;
}): Promise<void> {
  const { scheduler, audit, retentionDays, logger } = options;
  await scheduler.scheduleTask({
    id: 'knot-audit-retention',
    frequency: { hours: 24 },
    timeout: { minutes: 10 },
    initialDelay: { seconds: 30 },
    fn: async () => {
      const pruned = await audit.prune(retentionDays);
      if (pruned) {
        logger.info(
          `Audit log: deleted ${pruned} entries older than ${retentionDays} days`,
        );
      }
    },
  });
}

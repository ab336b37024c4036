import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { AuditRecorder } from '../audit/AuditRecorder';
import type { ChartCatalog } from '../charts/ChartCatalog';
import type { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import type { ServiceHostClaimsReader } from '../kubernetes/ServiceHostClaimsReader';
import { KubeObjects } from '../provisioning/KubeObjects';
import { profileNamespaceNames } from '../releases/profileNamespaceNames';
import { ActivityTracker } from './ActivityTracker';
import type { IdleStopConfig } from './config';
import { IdleStopper } from './IdleStopper';

/**
 * Idle stop wired to the cluster and the scheduler: every replica writes
 * the accesses it saw every flush interval (a local task); one replica at
 * a time (a global task) stops idle services every check interval.
 */
export async function createIdleStop(options: {
  config: IdleStopConfig;
  kubernetes: KubernetesClientFactory;
  hostClaims: ServiceHostClaimsReader;
  namespacePrefix: string;
  charts: ChartCatalog;
  scheduler: SchedulerService;
  logger: LoggerService;
  audit?: AuditRecorder;
}): Promise<{ tracker: ActivityTracker; stopper: IdleStopper }> {
  const { config, kubernetes, namespacePrefix, logger } = options;
  const tracker = new ActivityTracker();
  const stopper = new IdleStopper({
    kube: new KubeObjects(kubernetes),
    claims: () => options.hostClaims.claims(),
    namespaces: () => profileNamespaceNames(kubernetes, namespacePrefix),
    namespacePrefix,
    config,
    tracker,
    chartAnnotations: async (name, version, profile) =>
      (await options.charts.find(name, version, profile))?.annotations,
    logger,
    audit: options.audit,
  });
  await options.scheduler.scheduleTask({
    id: 'knot-idle-stop-flush',
    scope: 'local',
    frequency: { milliseconds: config.flushIntervalMs },
    timeout: { minutes: 5 },
    initialDelay: { milliseconds: config.flushIntervalMs },
    fn: () => stopper.flush(),
  });
  // Without a default, a chart's annotation may still set an idle time.
  await options.scheduler.scheduleTask({
    id: 'knot-idle-stop',
    frequency: { milliseconds: config.checkIntervalMs },
    timeout: { minutes: 10 },
    initialDelay: { milliseconds: Math.min(config.checkIntervalMs, 60_000) },
    fn: async () => {
      await stopper.runOnce();
    },
  });
  return { tracker, stopper };
}

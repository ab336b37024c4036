import type {
  HttpAuthService,
  LoggerService,
  SchedulerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import type { ProvisioningRouterOptions } from '../service/provisioningRouter';
import { configAdminCheck, type RequireAdmin } from './AdminCheck';
import { ConfigProfileSource } from './ConfigProfileSource';
import { KubeObjects } from './KubeObjects';
import type { ProfileSource } from './ProfileSource';
import { readProvisioningConfig } from './ProvisioningConfig';
import { ProvisioningReconciler } from './ProvisioningReconciler';

/**
 * Wires provisioning: the reconciler, its periodic run (which is also the
 * run at startup) and the admin routes' options.
 *
 * `source` and `requireAdmin` default to config alone
 * (`knot.provisioning.profiles`, `knot.provisioning.admins`); the plugin
 * passes the user store's (StoreProfileSource, storeAdminCheck) and calls
 * `reconciler.reconcileProfile(name)` after every user or team change.
 */
export async function createProvisioning(options: {
  config: Config;
  logger: LoggerService;
  kubernetes: KubernetesClientFactory;
  scheduler: SchedulerService;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  source?: ProfileSource;
  requireAdmin?: RequireAdmin;
}): Promise<
  ProvisioningRouterOptions & { reconciler: ProvisioningReconciler }
> {
  const { config, logger } = options;
  const provisioningConfig = readProvisioningConfig(config);
  const reconciler = new ProvisioningReconciler({
    kube: new KubeObjects(options.kubernetes),
    source: options.source ?? new ConfigProfileSource(config),
    config: provisioningConfig,
    logger,
  });
  await options.scheduler.scheduleTask({
    id: 'knot-provisioning-reconcile',
    frequency: { minutes: provisioningConfig.frequencyMinutes },
    timeout: { minutes: 10 },
    initialDelay: { seconds: 5 },
    fn: async () => {
      const report = await reconciler.reconcileAll();
      logger.info(
        `provisioning: reconciled ${report.profiles} profiles in ${report.durationMs} ms, ${report.actions.length} changes`,
      );
    },
  });
  return {
    reconciler,
    requireAdmin:
      options.requireAdmin ??
      configAdminCheck(
        options.httpAuth,
        options.userInfo,
        config.getOptionalStringArray('knot.provisioning.admins') ?? [],
      ),
  };
}

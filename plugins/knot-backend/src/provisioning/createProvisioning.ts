import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import type { ProvisioningConfig } from './config';
import { KubeObjects } from './KubeObjects';
import { LeftoverFolders } from './LeftoverFolders';
import type { ProfileSource } from './ProfileSource';
import { ProvisioningReconciler } from './ProvisioningReconciler';

/**
 * Wires provisioning: the reconciler and its periodic run (which is also the
 * run at startup), and the leftover folders of removed profiles. The plugin
 * passes the user store's profiles (StoreProfileSource) and calls
 * `reconciler.reconcileProfile(name)` after every user or team change.
 */
export async function createProvisioning(options: {
  config: ProvisioningConfig;
  logger: LoggerService;
  kubernetes: KubernetesClientFactory;
  scheduler: SchedulerService;
  source: ProfileSource;
  sharedDatasets?: ConstructorParameters<
    typeof ProvisioningReconciler
  >[0]['sharedDatasets'];
}): Promise<{ reconciler: ProvisioningReconciler; folders: LeftoverFolders }> {
  const { config, logger, source } = options;
  const reconciler = new ProvisioningReconciler({
    kube: new KubeObjects(options.kubernetes),
    source,
    config,
    logger,
    sharedDatasets: options.sharedDatasets,
  });
  await options.scheduler.scheduleTask({
    id: 'knot-provisioning-reconcile',
    ...config.schedule,
    fn: async () => {
      const report = await reconciler.reconcileAll();
      logger.info(
        `provisioning: reconciled ${report.profiles} profiles in ${report.durationMs} ms, ${report.actions.length} changes`,
      );
    },
  });
  return {
    reconciler,
    folders: new LeftoverFolders({ source, config, logger }),
  };
}

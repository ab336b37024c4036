import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { createRouter } from './service/router';
import { KubernetesClientFactory } from './kubernetes/KubernetesClientFactory';
import { KubernetesHealthProbe } from './kubernetes/KubernetesHealthProbe';
import { readPackageVersion } from './packageVersion';
import { createProvisioning } from './provisioning/createProvisioning';
import { createFilesRouter } from './service/filesRouter';
import { FileStorage } from './files/FileStorage';
import { SignedInUserProfileResolver } from './profiles/SignedInUserProfileResolver';
import { DEFAULT_NAMESPACE_PREFIX } from '@internal/plugin-knot-common';

/**
 * The Knot backend plugin, mounted at `/api/knot`.
 *
 * @public
 */
export const knotPlugin = createBackendPlugin({
  pluginId: 'knot',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        userInfo: coreServices.userInfo,
        scheduler: coreServices.scheduler,
      },
      async init({
        config,
        logger,
        httpRouter,
        httpAuth,
        userInfo,
        scheduler,
      }) {
        const kubernetes = KubernetesClientFactory.fromConfig(config);
        const probe = new KubernetesHealthProbe(
          kubernetes,
          config.getOptionalNumber('knot.kubernetes.healthTimeoutMs') ?? 3000,
        );
        logger.info(`Knot uses the Kubernetes API at ${kubernetes.server()}`);
        // Every route requires Backstage credentials (the default policy):
        // nothing is added with addAuthPolicy here on purpose.
        const provisioning = await createProvisioning({
          config,
          logger,
          kubernetes,
          scheduler,
          httpAuth,
          userInfo,
        });
        const resolver = new SignedInUserProfileResolver(
          httpAuth,
          userInfo,
          config.getOptionalString('knot.namespacePrefix') ??
            DEFAULT_NAMESPACE_PREFIX,
        );
        const files = createFilesRouter({
          resolver,
          storage: FileStorage.fromConfig(config),
        });
        httpRouter.use(
          await createRouter({
            version: readPackageVersion(),
            probe,
            provisioning,
            files,
          }),
        );
      },
    });
  },
});

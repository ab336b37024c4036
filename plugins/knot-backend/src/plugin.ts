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
import { profileAccessServiceRef } from './profiles/ProfileAccess';
import { SignedInUserProfileResolver } from './profiles/SignedInUserProfileResolver';
import { createServicesFeature } from './services/feature';
import { namespacePrefixFromConfig } from './services/settings';

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
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        userInfo: coreServices.userInfo,
        scheduler: coreServices.scheduler,
        access: profileAccessServiceRef,
      },
      async init({
        config,
        logger,
        httpRouter,
        auth,
        httpAuth,
        userInfo,
        scheduler,
        access,
      }) {
        const kubernetes = KubernetesClientFactory.fromConfig(config);
        const probe = new KubernetesHealthProbe(
          kubernetes,
          config.getOptionalNumber('knot.kubernetes.healthTimeoutMs') ?? 3000,
        );
        logger.info(`Knot uses the Kubernetes API at ${kubernetes.server()}`);
        const profiles = new SignedInUserProfileResolver(
          httpAuth,
          userInfo,
          namespacePrefixFromConfig(config),
        );

        const provisioning = await createProvisioning({
          config,
          logger,
          kubernetes,
          scheduler,
          httpAuth,
          userInfo,
        });
        const files = createFilesRouter({
          resolver: profiles,
          storage: FileStorage.fromConfig(config),
        });
        // Every route requires Backstage credentials (the default policy),
        // except forward-auth, which the ingress calls and checks sessions itself.
        httpRouter.addAuthPolicy({
          path: '/forward-auth',
          allow: 'unauthenticated',
        });
        const services = createServicesFeature({
          config,
          kubernetes,
          auth,
          httpAuth,
          access,
          profiles,
          warn: m => logger.warn(m),
        });

        httpRouter.use(
          await createRouter({
            version: readPackageVersion(),
            probe,
            provisioning,
            files,
            services,
          }),
        );
      },
    });
  },
});

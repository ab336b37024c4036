import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { createRouter } from './service/router';
import { KubernetesClientFactory } from './kubernetes/KubernetesClientFactory';
import { KubernetesHealthProbe } from './kubernetes/KubernetesHealthProbe';
import { readPackageVersion } from './packageVersion';
import { UserStore } from './users/UserStore';
import { ensureFirstAdmin } from './users/firstAdmin';
import { StoreProfileResolver } from './profiles/StoreProfileResolver';
import { createOidcRouter, OIDC_PATH } from './oidc/createOidcRouter';

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
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        userInfo: coreServices.userInfo,
        discovery: coreServices.discovery,
      },
      async init({
        config,
        logger,
        httpRouter,
        database,
        httpAuth,
        userInfo,
        discovery,
      }) {
        const kubernetes = KubernetesClientFactory.fromConfig(config);
        const probe = new KubernetesHealthProbe(
          kubernetes,
          config.getOptionalNumber('knot.kubernetes.healthTimeoutMs') ?? 3000,
        );
        logger.info(`Knot uses the Kubernetes API at ${kubernetes.server()}`);

        // Identity: users and teams, the acting profile of every request.
        const store = await UserStore.create({ database });
        await ensureFirstAdmin(config, store, logger);
        const profiles = new StoreProfileResolver(
          httpAuth,
          userInfo,
          store,
          config.getOptionalString('knot.namespacePrefix') ?? 'knot-',
        );
        // The OIDC provider and its login pages are public by nature; mounted
        // before the JSON API so no body parser runs in front of it.
        const oidc = await createOidcRouter({
          config,
          database,
          discovery,
          logger,
          store,
        });
        httpRouter.use(oidc.router);
        httpRouter.addAuthPolicy({ path: OIDC_PATH, allow: 'unauthenticated' });
        logger.info(`Knot OIDC issuer: ${oidc.issuer}`);

        // Every other route requires Backstage credentials (the default
        // policy).
        httpRouter.use(
          await createRouter({
            version: readPackageVersion(),
            probe,
            users: { httpAuth, userInfo, store, profiles },
          }),
        );
      },
    });
  },
});

import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { createRouter } from './service/router';
import { profileChangesServiceRef } from './profiles/profileChangesService';
import { KubernetesClientFactory } from './kubernetes/KubernetesClientFactory';
import { KubernetesHealthProbe } from './kubernetes/KubernetesHealthProbe';
import { readPackageVersion } from './packageVersion';
import { UserStore } from './users/UserStore';
import { ensureFirstAdmin } from './users/firstAdmin';
import { StoreProfileResolver } from './profiles/StoreProfileResolver';
import { StoreProfileAccess } from './profiles/StoreProfileAccess';
import { createProfileAccessRouter } from './service/profileAccessRouter';
import { createOidcRouter, OIDC_PATH } from './oidc/createOidcRouter';
import { createProvisioning } from './provisioning/createProvisioning';
import { ConfigProfileSource } from './provisioning/ConfigProfileSource';
import { StoreProfileSource } from './provisioning/StoreProfileSource';
import { storeAdminCheck } from './provisioning/storeAdminCheck';
import { createFilesRouter } from './service/filesRouter';
import { FileStorage } from './files/FileStorage';
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
        database: coreServices.database,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        userInfo: coreServices.userInfo,
        scheduler: coreServices.scheduler,
        profileChanges: profileChangesServiceRef,
      },
      async init({
        config,
        logger,
        httpRouter,
        database,
        discovery,
        auth,
        httpAuth,
        userInfo,
        scheduler,
        profileChanges,
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
        // This plugin owns the store: it checks access directly; other
        // plugins ask it over HTTP (profileAccessServiceRef).
        const access = new StoreProfileAccess(store);
        const profiles = new StoreProfileResolver(
          httpAuth,
          userInfo,
          store,
          namespacePrefixFromConfig(config),
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

        // Provisioning follows the user store: every change reconciles the
        // profile it touched (the periodic run catches other replicas').
        const provisioning = await createProvisioning({
          config,
          logger,
          kubernetes,
          scheduler,
          httpAuth,
          userInfo,
          source: new StoreProfileSource(
            store,
            new ConfigProfileSource(config),
          ),
          requireAdmin: storeAdminCheck({
            httpAuth,
            userInfo,
            store,
            extraAdmins:
              config.getOptionalStringArray('knot.provisioning.admins') ?? [],
          }),
        });
        // The catalog's Knot module refreshes Users and Groups at once.
        store.onChange(async change => profileChanges.notify(change));
        store.onChange(async change => {
          const report = await provisioning.reconciler.reconcileProfile(
            change.profile,
          );
          logger.info(
            `provisioning after ${change.kind} of ${change.profile}: ${report.actions.length} changes`,
          );
        });

        const files = createFilesRouter({
          resolver: profiles,
          storage: FileStorage.fromConfig(config),
        });

        // Forward-auth is called by the ingress and checks sessions itself.
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
          chartProfiles: { list: () => store.listActiveProfiles() },
          warn: m => logger.warn(m),
        });

        // Every other route requires Backstage credentials (the default
        // policy).
        httpRouter.use(
          await createRouter({
            version: readPackageVersion(),
            probe,
            users: { httpAuth, userInfo, store, profiles },
            provisioning,
            files,
            services,
            profileAccess: createProfileAccessRouter({ httpAuth, access }),
          }),
        );
      },
    });
  },
});

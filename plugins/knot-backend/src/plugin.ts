import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  knotPermissions,
  knotProfilesImpersonatePermission,
} from '@knot-platform/plugin-knot-common';
import {
  KNOT_PROFILES_TOPIC,
  knotChartSourcesExtensionPoint,
  type ChartSource,
} from '@knot-platform/plugin-knot-node';
import express from 'express';
import Router from 'express-promise-router';
import { ChartCatalog } from './charts/ChartCatalog';
import { createChartsRouter } from './charts/chartsRouter';
import { LocalChartSource } from './charts/LocalChartSource';
import { readKnotConfig } from './config';
import { profileNamespaceNames } from './releases/profileNamespaceNames';
import { createDatasetsRouter } from './datasets/datasetsRouter';
import { DatashimDatasets } from './datasets/DatashimDatasets';
import { SharedDatasets } from './datasets/SharedDatasets';
import { FileStorage } from './files/FileStorage';
import { createFilesRouter } from './files/filesRouter';
import { hideInternalErrors } from './errors/hideInternalErrors';
import { createIdleStop } from './idleStop/createIdleStop';
import { createIdleStopRouter } from './idleStop/idleStopRouter';
import { createImagesRouter } from './images/imagesRouter';
import { PushGrants } from './images/pushGrants';
import { sharedSecret } from '@knot-platform/plugin-knot-oidc';
import { createForwardAuthRouter } from './forwardAuth/forwardAuthRouter';
import { IngressHostOwnerResolver } from './forwardAuth/HostOwnerResolver';
import { serviceHostNameCheck } from './identity/serviceHostNameCheck';
import { ServiceHostClaimsReader } from './kubernetes/ServiceHostClaimsReader';
import { BackstageTokenSessionVerifier } from './forwardAuth/SessionVerifier';
import { createHealthRouter } from './health/healthRouter';
import { readPackageVersion } from './health/packageVersion';
import { createIntegrationsRouter } from './integrations/integrationsRouter';
import { ensureFirstAdmin } from './identity/firstAdmin';
import { KnotAdmins } from './identity/KnotAdmins';
import { refuseInactiveUsers } from './identity/refuseInactiveUsers';
import { createOidcRouter, OIDC_PATH } from './identity/oidc/createOidcRouter';
import { knotClaimsFor } from './identity/oidc/storeAccountSource';
import { UserStore } from './identity/UserStore';
import { createUsersRouter } from './identity/usersRouter';
import { SelfServiceTeams } from './identity/SelfServiceTeams';
import { createSelfServiceTeamsRouter } from './identity/selfServiceTeamsRouter';
import { KubernetesClientFactory } from './kubernetes/KubernetesClientFactory';
import { KubernetesHealthProbe } from './kubernetes/KubernetesHealthProbe';
import {
  hasPermission,
  type PermissionCheck,
} from './permissions/requirePermission';
import { createProfilesRouter } from './profiles/profilesRouter';
import { StoreProfileAccess } from './profiles/StoreProfileAccess';
import { StoreProfileResolver } from './profiles/StoreProfileResolver';
import { ConfigProfileSource } from './provisioning/ConfigProfileSource';
import { createProvisioning } from './provisioning/createProvisioning';
import { createProvisioningRouter } from './provisioning/provisioningRouter';
import { StoreProfileSource } from './provisioning/StoreProfileSource';
import { KubeObjects } from './provisioning/KubeObjects';
import { requestMetrics } from './metrics/requestMetrics';
import { ProfileQuotas } from './quotas/ProfileQuotas';
import { QuotaOverrideStore } from './quotas/QuotaOverrideStore';
import { QuotaOverridesSource } from './quotas/QuotaOverridesSource';
import { createQuotasRouter } from './quotas/quotasRouter';
import { clusterReleaseLookup } from './releases/clusterReleaseLookup';
import { Helm } from './releases/Helm';
import { ReleaseRecords } from './releases/ReleaseRecords';
import { ReleaseEntities } from './releases/releaseEntities';
import { createReleasesRouter } from './releases/releasesRouter';
import { ServiceInstaller } from './releases/ServiceInstaller';
import { ServiceShareAccess } from './sharing/ServiceShareAccess';
import { ServiceShares } from './sharing/ServiceShares';
import { createSharingRouter } from './sharing/sharingRouter';
import { QuotaFit } from './quotaFit/QuotaFit';
import { AuditLog } from './audit/AuditLog';
import { createAuditRouter } from './audit/auditRouter';
import { scheduleAuditRetention } from './audit/auditRetention';

/**
 * The Knot backend plugin, mounted at `/api/knot`: it owns Knot's users and
 * teams, charts and helm releases, files, provisioning and forward-auth.
 * Modules add chart sources through `knotChartSourcesExtensionPoint`.
 *
 * @public
 */
export const knotPlugin = createBackendPlugin({
  pluginId: 'knot',
  register(env) {
    const chartSources: ChartSource[] = [];
    env.registerExtensionPoint(knotChartSourcesExtensionPoint, {
      addChartSource(...sources) {
        chartSources.push(...sources);
      },
    });

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
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        events: eventsServiceRef,
        metrics: metricsServiceRef,
      },
      async init(deps) {
        const { logger, httpRouter, httpAuth, userInfo, events } = deps;
        const knot = readKnotConfig(deps.config);
        const { namespacePrefix } = knot;
        const { exposure } = knot.releases;
        deps.permissionsRegistry.addPermissions(knotPermissions);

        const kubernetes = KubernetesClientFactory.fromConfig(knot.kubernetes);
        logger.info(`Knot uses the Kubernetes API at ${kubernetes.server()}`);

        // Identity: users and teams; who is an admin. A new profile's name
        // must not take another profile's service hostnames.
        // URL-prefix mode: a prefix is addressed as `<service>-<profile>.<host>`,
        // so the hostname rule reads it with the prefix host as its domain.
        const addressDomain = exposure.prefix?.host ?? exposure.domain;
        if (exposure.servicesOnPortalHost) {
          logger.warn(
            `Users' services are served on the portal's own host (${exposure.prefix?.host}, knot.services.exposure.allowPortalHost): they share the portal's origin, so a service's script can act in the portal with the session of whoever opens it. Prefer a host of its own`,
          );
        }
        const hostClaims = new ServiceHostClaimsReader(
          kubernetes,
          namespacePrefix,
          undefined,
          exposure.prefix,
        );
        const store = await UserStore.create({
          database: deps.database,
          nameCheck: serviceHostNameCheck(
            hostClaims,
            addressDomain,
            logger,
            exposure.prefix,
          ),
        });
        await ensureFirstAdmin(knot.identity.firstAdmin, store, logger);
        // Knot's own tables besides the user store's: audit, shares, teams
        // (the user store migrated them).
        const database = await deps.database.getClient();
        // The audit log: every platform action, kept for the retention.
        const audit = new AuditLog(database, logger);
        await scheduleAuditRetention({
          scheduler: deps.scheduler,
          audit,
          retentionDays: knot.audit.retentionDays,
          logger,
        });
        const admins = new KnotAdmins(store, knot.identity.admins);
        const permissions: PermissionCheck = {
          permissions: deps.permissions,
          httpAuth,
          userInfo,
          admins,
          frameworkEnabled: knot.permissionsEnabled,
        };

        const mayImpersonate = async (req: express.Request) =>
          (
            await hasPermission(
              permissions,
              req,
              knotProfilesImpersonatePermission,
            )
          ).allowed;
        // Profiles: who may act as whom, the acting profile of a request.
        const access = new StoreProfileAccess(store, admins);
        const profiles = new StoreProfileResolver({
          httpAuth,
          userInfo,
          access,
          namespacePrefix,
          mayImpersonate,
        });
        // Other plugins (the catalog module) follow the store by events.
        store.onChange(change =>
          events.publish({ topic: KNOT_PROFILES_TOPIC, eventPayload: change }),
        );

        // Every request counted and timed by route (first, so nothing escapes).
        httpRouter.use(requestMetrics(deps.metrics));

        // The OIDC provider and its login pages are public by nature; mounted
        // before the JSON API so no body parser runs in front of it.
        const oidc = await createOidcRouter({
          oidc: knot.identity.oidc,
          knotClaims: knotClaimsFor({
            namespacePrefix,
            ingressUrl: exposure.ingressUrl,
            urls: exposure.urls,
          }),
          database: deps.database,
          discovery: deps.discovery,
          logger,
          store,
          admins,
          audit,
        });
        httpRouter.use(oidc.router);
        httpRouter.addAuthPolicy({ path: OIDC_PATH, allow: 'unauthenticated' });
        logger.info(`Knot OIDC issuer: ${oidc.issuer}`);

        // Datasets: Datashim's, in profile namespaces.
        const datasets = new DatashimDatasets(
          kubernetes,
          knot.datasets.apiGroup,
        );

        // Quotas: admins' overrides in the database, merged over the
        // config's by the reconciler; a deleted profile's go with it
        // (UserStore.deleteProfile).
        const quotaOverrides = new QuotaOverrideStore(
          await deps.database.getClient(),
        );
        const profileSource = new StoreProfileSource(
          store,
          new ConfigProfileSource(knot.provisioning.profiles),
        );
        const quotas = new ProfileQuotas({
          kube: new KubeObjects(kubernetes),
          overrides: quotaOverrides,
          config: knot.provisioning,
          privateDir: knot.files.privateDir,
          privateQuotaBytes: knot.files.privateQuotaBytes,
        });

        // Provisioning follows the user store: every change reconciles the
        // profile it touched (the periodic run catches other replicas').
        const provisioning = await createProvisioning({
          config: knot.provisioning,
          logger,
          kubernetes,
          scheduler: deps.scheduler,
          source: new QuotaOverridesSource(profileSource, quotaOverrides),
          sharedDatasets: new SharedDatasets(
            kubernetes,
            knot.datasets.shared,
            datasets,
          ),
        });
        store.onChange(async change => {
          const report = await provisioning.reconciler.reconcileProfile(
            change.profile,
          );
          logger.info(
            `provisioning after ${change.kind} of ${change.profile}: ${report.actions.length} changes`,
          );
        });

        // Charts: the bundled ones and the modules' sources.
        const charts = new ChartCatalog(
          [
            new LocalChartSource(knot.charts.chartsDir, 'bundled', logger),
            ...chartSources,
          ],
          { profiles: () => store.listActiveProfiles() },
          knot.charts.cacheMs,
        );

        // Releases: helm is run here only (its lists read the API server).
        const helm = new Helm(
          knot.releases.helmPath,
          knot.kubernetes.kubeconfig,
          knot.kubernetes.context,
          new ReleaseRecords(kubernetes),
        );
        const fit = new QuotaFit(helm, kubernetes, knot.releases.quotaFitCheck);

        // Idle stop: forward-auth's accesses, idle services scaled to zero.
        const idle = await createIdleStop({
          config: knot.idleStop,
          kubernetes,
          hostClaims,
          namespacePrefix,
          charts,
          scheduler: deps.scheduler,
          logger,
          audit,
        });

        // Sharing: a profile's services opened to named users and teams.
        const shares = new ServiceShares(database, store);
        const shareAccess = new ServiceShareAccess(shares, store, access);

        // Forward-auth is called by the ingress and checks sessions itself.
        httpRouter.addAuthPolicy({
          path: '/forward-auth',
          allow: 'unauthenticated',
        });

        // Every other route requires Backstage credentials (the default
        // policy). The file API streams request bodies itself: before the
        // JSON parser.
        const router = Router();
        // A deactivated user's token opens no Knot route.
        router.use(refuseInactiveUsers({ httpAuth, store }));
        router.use(
          '/files',
          createFilesRouter({
            resolver: profiles,
            storage: FileStorage.fromConfig(knot.files, profile =>
              quotas.privateStorageBytes(profile),
            ),
            audit,
          }),
        );
        // Images: uploads are raw request bodies too.
        router.use(
          createImagesRouter({
            profiles,
            permissions,
            config: knot.images,
            audit,
            httpAuth,
            // Grants checked by whichever replica the ingress asks.
            browserPush: knot.images.registry?.browserPushUrl
              ? {
                  grants: new PushGrants(
                    await sharedSecret(database, 'image-push-grants'),
                  ),
                  controller: knot.forwardAuth.ingressController,
                }
              : undefined,
          }),
        );
        router.use(express.json());
        router.use(
          createHealthRouter({
            version: readPackageVersion(),
            probe: new KubernetesHealthProbe(
              kubernetes,
              knot.kubernetes.healthTimeoutMs,
            ),
            auditWriteFailures: () => audit.failures,
          }),
        );
        // Integrations: the services next to Knot, for the home page.
        router.use(
          createIntegrationsRouter({
            httpAuth,
            integrations: knot.integrations,
          }),
        );
        router.use(createProvisioningRouter({ ...provisioning, permissions }));
        router.use(
          createQuotasRouter({
            resolver: profiles,
            permissions,
            quotas,
            overrides: quotaOverrides,
            profiles: profileSource,
            isTeam: async name => (await store.getUser(name))?.team ?? false,
            reconciler: provisioning.reconciler,
            audit,
          }),
        );
        router.use(
          createReleasesRouter({
            httpAuth,
            profiles,
            helm,
            kubernetes,
            exposure,
            charts,
            shares,
            fit,
            idle: idle.stopper,
            audit,
            installer: new ServiceInstaller(
              helm,
              charts,
              exposure,
              clusterReleaseLookup(kubernetes),
              fit,
              shares,
            ),
            entities: new ReleaseEntities(
              helm,
              access,
              exposure,
              namespacePrefix,
              knot.provisioning.portalAccess
                ? () => profileNamespaceNames(kubernetes, namespacePrefix)
                : undefined,
            ),
          }),
        );
        router.use(
          createIdleStopRouter({ profiles, stopper: idle.stopper, audit }),
        );
        router.use(
          createSharingRouter({
            httpAuth,
            userInfo,
            profiles,
            helm,
            shares,
            access: shareAccess,
            exposure,
            audit,
          }),
        );
        router.use(
          createDatasetsRouter({
            profiles,
            kubernetes,
            datasets: new DatashimDatasets(kubernetes, knot.datasets.apiGroup),
            config: knot.datasets,
            audit,
          }),
        );
        router.use(
          createChartsRouter({
            httpAuth,
            charts,
            templateOwner: knot.charts.templateOwner,
            exposure,
            logger,
          }),
        );
        router.use(
          createForwardAuthRouter({
            controller: knot.forwardAuth.ingressController,
            logger,
            sessions: new BackstageTokenSessionVerifier(
              deps.auth,
              knot.forwardAuth.cookieName,
            ),
            owners: new IngressHostOwnerResolver(hostClaims, addressDomain),
            access,
            shares: shareAccess,
            auth: deps.auth,
            httpAuth,
            domain: exposure.domain,
            prefix: exposure.prefix && {
              ...exposure.prefix,
              onPortalHost: exposure.servicesOnPortalHost,
            },
            signInUrl: knot.forwardAuth.signInUrl,
            cookieName: knot.forwardAuth.cookieName,
            secureCookie: exposure.scheme === 'https',
            idle: {
              ...idle,
              servicesPageUrl: knot.forwardAuth.servicesPageUrl,
            },
          }),
        );
        router.use(
          createProfilesRouter({
            httpAuth,
            access,
            resolver: profiles,
            store,
            mayImpersonate,
            audit,
          }),
        );
        // Self-service teams: users create, join and leave teams.
        router.use(
          createSelfServiceTeamsRouter({
            httpAuth,
            userInfo,
            teams: new SelfServiceTeams(database, store, knot.identity.teams),
            audit,
          }),
        );
        router.use(
          createUsersRouter({
            httpAuth,
            userInfo,
            store,
            admins,
            permissions,
            audit,
          }),
        );
        // The audit log: admins read and export it, users their own entries.
        router.use(
          createAuditRouter({
            httpAuth,
            userInfo,
            audit,
            access,
            teamsOf: username => store.teamsOf(username),
            createdAt: async profile => {
              const account = await store.getUser(profile);
              return account && new Date(account.createdAt);
            },
            permissions,
          }),
        );
        // Last: no stack, path or stderr in answers outside development.
        router.use(hideInternalErrors(logger));
        httpRouter.use(router);
      },
    });
  },
});

import type {
  AuthService,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import express from 'express';
import Router from 'express-promise-router';
import { IngressHostOwnerResolver } from '../forwardAuth/HostOwnerResolver';
import { BackstageTokenSessionVerifier } from '../forwardAuth/SessionVerifier';
import type { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import type { ProfileAccess } from '../profiles/ProfileAccess';
import type { ProfileResolver } from '../profiles/ProfileResolver';
import { createForwardAuthRouter } from '../service/forwardAuthRouter';
import { createServicesRouter } from '../service/servicesRouter';
import type { ChartProfiles } from './ChartProfiles';
import { exposureFromConfig } from './knotValues';
import {
  chartCatalogFromConfig,
  helmFromConfig,
  namespacePrefixFromConfig,
} from './settings';

/** The services API and forward-auth routes of the knot plugin. */
export function createServicesFeature(options: {
  config: Config;
  kubernetes: KubernetesClientFactory;
  auth: AuthService;
  httpAuth: HttpAuthService;
  access: ProfileAccess;
  profiles: ProfileResolver;
  /** The users and teams whose own chart locations are read. */
  chartProfiles?: ChartProfiles;
  warn: (message: string) => void;
}): express.Router {
  const { config, kubernetes, auth, httpAuth, access, profiles } = options;
  const exposure = exposureFromConfig(config);
  const cookieName =
    config.getOptionalString('knot.services.forwardAuth.cookieName') ??
    'knot_session';
  const router = Router();
  router.use(
    createServicesRouter({
      profiles,
      helm: helmFromConfig(config),
      kubernetes,
      exposure,
      charts: chartCatalogFromConfig(
        config,
        options.warn,
        options.chartProfiles,
      ),
    }),
  );
  router.use(
    createForwardAuthRouter({
      sessions: new BackstageTokenSessionVerifier(auth, cookieName),
      owners: new IngressHostOwnerResolver(
        kubernetes,
        exposure.domain,
        namespacePrefixFromConfig(config),
      ),
      access,
      auth,
      httpAuth,
      domain: exposure.domain,
      signInUrl:
        config.getOptionalString('knot.services.forwardAuth.signInUrl') ??
        `${
          config.getOptionalString('app.baseUrl') ?? 'http://localhost:3000'
        }/services/sign-in`,
      cookieName,
      secureCookie: exposure.scheme === 'https',
    }),
  );
  return router;
}

import type { Config } from '@backstage/config';
import { SERVICE_SIGN_IN_PATH } from '@knot-platform/plugin-knot-common';
import {
  INGRESS_CONTROLLERS,
  type IngressController,
} from './ingressControllers';

/** `knot.services.forwardAuth`: forward-auth of users' services. */
export interface ForwardAuthConfig {
  /** Where anonymous browsers are sent to sign in (`rd` is appended). */
  signInUrl: string;
  /** The cookie holding the Backstage token on the services' domain. */
  cookieName: string;
  /** The ingress controller that calls forward-auth. */
  ingressController: IngressController;
  /** The portal's Services page (where a stopped service is started). */
  servicesPageUrl: string;
}

export function readForwardAuthConfig(config: Config): ForwardAuthConfig {
  const forwardAuth = config.getOptionalConfig('knot.services.forwardAuth');
  const appBaseUrl =
    config.getOptionalString('app.baseUrl') ?? 'http://localhost:3000';
  const controller =
    forwardAuth?.getOptionalString('ingressController') ?? 'traefik';
  if (!(INGRESS_CONTROLLERS as readonly string[]).includes(controller)) {
    throw new Error(
      `knot.services.forwardAuth.ingressController must be one of ${INGRESS_CONTROLLERS.join(
        ', ',
      )}, not '${controller}'`,
    );
  }
  return {
    signInUrl:
      forwardAuth?.getOptionalString('signInUrl') ??
      `${appBaseUrl.replace(/\/+$/, '')}${SERVICE_SIGN_IN_PATH}`,
    cookieName: forwardAuth?.getOptionalString('cookieName') ?? 'knot_session',
    ingressController: controller as IngressController,
    servicesPageUrl: `${appBaseUrl.replace(/\/+$/, '')}/knot/services`,
  };
}

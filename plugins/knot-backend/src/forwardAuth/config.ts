import type { Config } from '@backstage/config';
import { SERVICE_SIGN_IN_PATH } from '@knot-platform/plugin-knot-common';

/** `knot.services.forwardAuth`: forward-auth of users' services. */
export interface ForwardAuthConfig {
  /** Where anonymous browsers are sent to sign in (`rd` is appended). */
  signInUrl: string;
  /** The cookie holding the Backstage token on the services' domain. */
  cookieName: string;
}

export function readForwardAuthConfig(config: Config): ForwardAuthConfig {
  const forwardAuth = config.getOptionalConfig('knot.services.forwardAuth');
  const appBaseUrl =
    config.getOptionalString('app.baseUrl') ?? 'http://localhost:3000';
  return {
    signInUrl:
      forwardAuth?.getOptionalString('signInUrl') ??
      `${appBaseUrl.replace(/\/+$/, '')}${SERVICE_SIGN_IN_PATH}`,
    cookieName: forwardAuth?.getOptionalString('cookieName') ?? 'knot_session',
  };
}

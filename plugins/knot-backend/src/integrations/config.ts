import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  KNOT_INTEGRATION_DESCRIPTIONS,
  KNOT_INTEGRATION_NAMES,
  type KnotIntegration,
  type KnotIntegrationName,
} from '@knot-platform/plugin-knot-common';
import type { OidcClientConfig } from '@knot-platform/plugin-knot-oidc';

/** One configured integration: what users see, and its OIDC client. */
export interface IntegrationSettings extends KnotIntegration {
  oidcClient: OidcClientConfig;
  /** Harbor: the project every profile may pull from. */
  publicProject?: string;
}

/**
 * Where each service expects Knot's answer, relative to its URL: the
 * callback paths of JupyterHub's GenericOAuthenticator, Argo's server in
 * SSO mode, Harbor's OIDC auth mode and Grafana's generic OAuth.
 */
const CALLBACK_PATHS: Record<KnotIntegrationName, string> = {
  jupyterhub: '/hub/oauth_callback',
  argoWorkflows: '/oauth2/callback',
  harbor: '/c/oidc/callback',
  grafana: '/login/generic_oauth',
};

const LOGOUT_PATHS: Partial<Record<KnotIntegrationName, string>> = {
  grafana: '/login',
};

/** The client id an integration gets unless configured. */
const DEFAULT_CLIENT_IDS: Record<KnotIntegrationName, string> = {
  jupyterhub: 'jupyterhub',
  argoWorkflows: 'argo-workflows',
  harbor: 'harbor',
  grafana: 'grafana',
};

/**
 * `knot.integrations.<name>`: each present (and not `enabled: false`)
 * integration, in the order of `KNOT_INTEGRATION_NAMES`.
 */
export function readIntegrations(config: Config): IntegrationSettings[] {
  const section = config.getOptionalConfig('knot.integrations');
  if (!section) return [];
  const integrations: IntegrationSettings[] = [];
  for (const name of KNOT_INTEGRATION_NAMES) {
    const entry = section.getOptionalConfig(name);
    if (!entry || entry.getOptionalBoolean('enabled') === false) continue;
    const url = entry.getString('url').replace(/\/+$/, '');
    if (!/^https?:\/\/[^/]/.test(url)) {
      throw new InputError(
        `knot.integrations.${name}.url must be an http(s) URL, got '${url}'`,
      );
    }
    const oidc = entry.getConfig('oidc');
    const logoutPath = LOGOUT_PATHS[name];
    integrations.push({
      name,
      ...KNOT_INTEGRATION_DESCRIPTIONS[name],
      url,
      publicProject:
        name === 'harbor'
          ? entry.getOptionalString('publicProject') ?? 'library'
          : undefined,
      oidcClient: {
        clientId:
          oidc.getOptionalString('clientId') ?? DEFAULT_CLIENT_IDS[name],
        clientSecret: oidc.getString('clientSecret'),
        name: KNOT_INTEGRATION_DESCRIPTIONS[name].title,
        redirectUris: oidc.getOptionalStringArray('redirectUris') ?? [
          `${url}${CALLBACK_PATHS[name]}`,
        ],
        postLogoutRedirectUris:
          oidc.getOptionalStringArray('postLogoutRedirectUris') ??
          (logoutPath ? [`${url}${logoutPath}`] : undefined),
        // The admin who configured the integration consented for the users:
        // opening it from the portal asks nothing more.
        skipConsent: oidc.getOptionalBoolean('skipConsent') ?? true,
      },
    });
  }
  return integrations;
}

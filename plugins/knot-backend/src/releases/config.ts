import type { Config } from '@backstage/config';
import { readIntegrations } from '../integrations/config';
import { integrationKnotUrls } from '../integrations/knotUrls';
import {
  DEFAULT_SERVICE_PATH_PREFIX,
  KNOT_OPTIONAL_URL_NAMES,
  type KnotOptionalUrls,
  type ServiceExposure,
  type ServicePrefixExposure,
  normalizeHost,
  normalizePathPrefix,
} from '@knot-platform/plugin-knot-common';

/** Where services are exposed and what they are told about the platform. */
export interface ExposureSettings extends ServiceExposure {
  /** The portal's URL (`knot.ingress.url`, else `app.baseUrl`). */
  ingressUrl: string;
  /**
   * The platform URLs handed to charts as `knot.*` values when set: those
   * the integrations imply, unless `knot.services.urls` names them.
   */
  urls: KnotOptionalUrls;
  /**
   * Prefix mode on the portal's own host (`allowPortalHost`): services
   * share the portal's origin; the plugin warns about it at start.
   */
  servicesOnPortalHost?: boolean;
}

/** `knot.services` as releases (helm) see it. */
export interface ReleasesConfig {
  /** The helm binary; looked up on PATH when not a path. */
  helmPath: string;
  exposure: ExposureSettings;
  /** Whether deploys are held against the profile's quota before helm runs. */
  quotaFitCheck: boolean;
}

/** The host of a URL, normalised; undefined when there is none. */
function urlHost(url: string | undefined): string | undefined {
  return url && URL.canParse(url)
    ? normalizeHost(new URL(url).host)
    : undefined;
}

/**
 * `knot.services.exposure`: undefined in subdomain mode, else the prefix
 * host and path. A dedicated host by default; the portal's own host only
 * when the admin says so (same origin as the portal).
 */
function readPrefixExposure(
  config: Config,
  domain: string,
): (ServicePrefixExposure & { onPortalHost: boolean }) | undefined {
  const key = 'knot.services.exposure';
  const exposure = config.getOptionalConfig(key);
  const mode = exposure?.getOptionalString('mode') ?? 'subdomain';
  if (mode === 'subdomain') return undefined;
  if (mode !== 'prefix') {
    throw new Error(
      `${key}.mode must be 'subdomain' or 'prefix', not '${mode}'`,
    );
  }
  const rawHost = exposure?.getOptionalString('host') ?? `services.${domain}`;
  const host = normalizeHost(rawHost);
  if (!host || rawHost.includes(':')) {
    throw new Error(
      `${key}.host must be a host name without a port (the port is knot.services.urlPort), not '${rawHost}'`,
    );
  }
  const pathPrefix = normalizePathPrefix(
    exposure?.getOptionalString('pathPrefix') ?? DEFAULT_SERVICE_PATH_PREFIX,
    `${key}.pathPrefix`,
  );
  const portalHosts = [
    urlHost(config.getOptionalString('app.baseUrl')),
    urlHost(config.getOptionalString('backend.baseUrl')),
    urlHost(config.getOptionalString('knot.ingress.url')),
  ];
  const onPortalHost = portalHosts.includes(host);
  if (onPortalHost && !exposure?.getOptionalBoolean('allowPortalHost')) {
    throw new Error(
      `${key}.host '${host}' is the portal's own host: services there would run in the portal's origin and could act with the session of whoever opens them. Use a host of its own (default services.${domain}), or set ${key}.allowPortalHost: true to accept that risk`,
    );
  }
  if (!onPortalHost && !host.endsWith(`.${domain}`)) {
    throw new Error(
      `${key}.host '${host}' must be under knot.ingress.domain (${domain}), where the portal sets the services' sign-in cookie, or be the portal's own host`,
    );
  }
  return { host, pathPrefix, onPortalHost };
}

export function readExposure(config: Config): ExposureSettings {
  const urls: KnotOptionalUrls = integrationKnotUrls(readIntegrations(config));
  for (const key of KNOT_OPTIONAL_URL_NAMES) {
    const value = config.getOptionalString(`knot.services.urls.${key}`);
    if (value) urls[key] = value;
  }
  const domain =
    config.getOptionalString('knot.ingress.domain') ?? 'localtest.me';
  const prefix = readPrefixExposure(config, domain);
  return {
    domain,
    ...(prefix && {
      prefix: { host: prefix.host, pathPrefix: prefix.pathPrefix },
      servicesOnPortalHost: prefix.onPortalHost,
    }),
    scheme: config.getOptionalString('knot.services.urlScheme') ?? 'https',
    port: config.getOptionalNumber('knot.services.urlPort'),
    ingressUrl:
      config.getOptionalString('knot.ingress.url') ??
      config.getOptionalString('app.baseUrl') ??
      '',
    urls,
  };
}

export function readReleasesConfig(config: Config): ReleasesConfig {
  return {
    helmPath: config.getOptionalString('knot.services.helmPath') ?? 'helm',
    exposure: readExposure(config),
    quotaFitCheck:
      config.getOptionalBoolean('knot.services.quotaFitCheck') ?? true,
  };
}

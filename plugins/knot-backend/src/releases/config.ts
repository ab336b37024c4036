import type { Config } from '@backstage/config';
import { readIntegrations } from '../integrations/config';
import { integrationKnotUrls } from '../integrations/knotUrls';
import {
  KNOT_OPTIONAL_URL_NAMES,
  type KnotOptionalUrls,
  type ServiceExposure,
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
}

/** `knot.services` as releases (helm) see it. */
export interface ReleasesConfig {
  /** The helm binary; looked up on PATH when not a path. */
  helmPath: string;
  exposure: ExposureSettings;
  /** Whether deploys are held against the profile's quota before helm runs. */
  quotaFitCheck: boolean;
}

export function readExposure(config: Config): ExposureSettings {
  const urls: KnotOptionalUrls = integrationKnotUrls(readIntegrations(config));
  for (const key of KNOT_OPTIONAL_URL_NAMES) {
    const value = config.getOptionalString(`knot.services.urls.${key}`);
    if (value) urls[key] = value;
  }
  return {
    domain: config.getOptionalString('knot.ingress.domain') ?? 'localtest.me',
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

import type { Config } from '@backstage/config';
import {
  KNOT_OPTIONAL_URL_NAMES,
  PRIVATE_MOUNT_PATH,
  PRIVATE_VOLUME_CLAIM,
  SHARED_MOUNT_PATH,
  SHARED_VOLUME_CLAIM,
} from '@knot-platform/plugin-knot-common';

/** Where services are exposed, from config. */
export interface ExposureSettings {
  domain: string;
  scheme: string;
  ingressUrl: string;
  optionalUrls: Record<string, string>;
}

export function exposureFromConfig(config: Config): ExposureSettings {
  const optionalUrls: Record<string, string> = {};
  for (const key of KNOT_OPTIONAL_URL_NAMES) {
    const value = config.getOptionalString(`knot.services.urls.${key}`);
    if (value) optionalUrls[key] = value;
  }
  return {
    domain: config.getOptionalString('knot.ingress.domain') ?? 'localtest.me',
    scheme: config.getOptionalString('knot.services.urlScheme') ?? 'https',
    ingressUrl:
      config.getOptionalString('knot.ingress.url') ??
      config.getOptionalString('app.baseUrl') ??
      '',
    optionalUrls,
  };
}

/** `<release>-<profile>.<domain>` (seeds: "Service exposure"). */
export function serviceHostname(
  release: string,
  profile: string,
  exposure: ExposureSettings,
): string {
  return `${release}-${profile}.${exposure.domain}`;
}

export function serviceUrl(
  release: string,
  profile: string,
  exposure: ExposureSettings,
): string {
  return `${exposure.scheme}://${serviceHostname(release, profile, exposure)}/`;
}

/** The internal `knot.*` values of one release (seeds: "Service templates"). */
export function knotValues(options: {
  release: string;
  profile: string;
  namespace: string;
  exposure: ExposureSettings;
}): Record<string, unknown> {
  const { release, profile, namespace, exposure } = options;
  return {
    enabled: true,
    hostname: serviceHostname(release, profile, exposure),
    username: profile,
    namespace,
    ingressUrl: exposure.ingressUrl,
    privateDir: PRIVATE_MOUNT_PATH,
    privateVolume: PRIVATE_VOLUME_CLAIM,
    sharedDir: SHARED_MOUNT_PATH,
    sharedVolume: SHARED_VOLUME_CLAIM,
    ...exposure.optionalUrls,
  };
}

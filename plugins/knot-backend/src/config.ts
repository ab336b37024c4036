import type { Config } from '@backstage/config';
import { DEFAULT_NAMESPACE_PREFIX } from '@knot-platform/plugin-knot-common';
import { readAuditConfig, type AuditConfig } from './audit/config';
import { readChartsConfig, type ChartsConfig } from './charts/config';
import { readDatasetsConfig, type DatasetsConfig } from './datasets/config';
import { readFilesConfig, type FilesConfig } from './files/config';
import {
  readForwardAuthConfig,
  type ForwardAuthConfig,
} from './forwardAuth/config';
import { readIdleStopConfig, type IdleStopConfig } from './idleStop/config';
import { readIdentityConfig, type IdentityConfig } from './identity/config';
import { readImagesConfig, type ImagesConfig } from './images/config';
import {
  readIntegrations,
  type IntegrationSettings,
} from './integrations/config';
import {
  readKubernetesConfig,
  type KubernetesConfig,
} from './kubernetes/config';
import {
  readProvisioningConfig,
  type ProvisioningConfig,
} from './provisioning/config';
import { readReleasesConfig, type ReleasesConfig } from './releases/config';

/** Everything the knot plugin reads from app-config, one section a feature. */
export interface KnotConfig {
  /** Prefix of profile namespaces (`<prefix><name>`). */
  namespacePrefix: string;
  /** `permission.enabled`: whether Backstage's permission framework decides. */
  permissionsEnabled: boolean;
  kubernetes: KubernetesConfig;
  identity: IdentityConfig;
  files: FilesConfig;
  datasets: DatasetsConfig;
  images: ImagesConfig;
  provisioning: ProvisioningConfig;
  charts: ChartsConfig;
  releases: ReleasesConfig;
  forwardAuth: ForwardAuthConfig;
  idleStop: IdleStopConfig;
  /** Services next to Knot signing in with its OIDC provider. */
  integrations: IntegrationSettings[];
  audit: AuditConfig;
}

/** Reads the knot plugin's configuration once, at start-up. */
export function readKnotConfig(config: Config): KnotConfig {
  return {
    namespacePrefix:
      config.getOptionalString('knot.namespacePrefix') ??
      DEFAULT_NAMESPACE_PREFIX,
    permissionsEnabled:
      config.getOptionalBoolean('permission.enabled') === true,
    kubernetes: readKubernetesConfig(config),
    identity: readIdentityConfig(config),
    files: readFilesConfig(config),
    datasets: readDatasetsConfig(config),
    images: readImagesConfig(config),
    provisioning: readProvisioningConfig(config),
    charts: readChartsConfig(config),
    releases: readReleasesConfig(config),
    forwardAuth: readForwardAuthConfig(config),
    idleStop: readIdleStopConfig(config),
    integrations: readIntegrations(config),
    audit: readAuditConfig(config),
  };
}

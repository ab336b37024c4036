/**
 * Knot's admission webhook: a standalone express service.
 *
 * @packageDocumentation
 */

export { createWebhookApp, type WebhookAppOptions } from './app';
export {
  loadConfig,
  resolveConfig,
  type WebhookConfig,
  type AuthConfig,
} from './config';
export {
  startWebhookServer,
  type WebhookServer,
} from './server/startWebhookServer';
export {
  createDevCertificates,
  type DevCertificates,
} from './server/devCertificates';
export {
  webhookConfigurations,
  type WebhookEndpoint,
} from './webhookConfigurations';
export type { DatasetLister } from './datasets/DatasetLister';
export { StaticDatasetLister } from './datasets/DatasetLister';
export { KubernetesDatasetLister } from './datasets/KubernetesDatasetLister';
export type { HostClaimsSource } from './hostClaims/HostClaimsSource';
export { StaticHostClaimsSource } from './hostClaims/HostClaimsSource';
export { KubernetesHostClaimsSource } from './hostClaims/KubernetesHostClaimsSource';

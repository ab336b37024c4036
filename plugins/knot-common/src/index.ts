/**
 * Types and constants shared by the Knot frontend and backend plugins, the
 * webhook and the OIDC provider.
 *
 * @packageDocumentation
 */

export * from './audit';
export * from './catalog';
export * from './datasets';
export * from './charts';
export * from './environment';
export * from './files';
export * from './forwardAuth';
export * from './health';
export * from './hostnames';
export * from './hostClaims';
export * from './idleStop';
export * from './integrations';
export * from './images';
export * from './imageLayoutPush';
export * from './labels';
export * from './oidc';
export * from './permissions';
export * from './profiles';
export * from './provisioning';
export * from './quotas';
export * from './services';
export * from './servicePrefixes';
export * from './sharing';
export * from './teams';
export * from './users';

/**
 * Types and constants shared by the Knot frontend and backend plugins, the
 * webhook and the OIDC provider.
 *
 * @packageDocumentation
 */

export * from './environment';
export * from './files';
export * from './health';
export * from './labels';
export * from './permissions';
export * from './profiles';
export * from './provisioning';
export * from './services';
export * from './users';

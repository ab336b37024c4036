/**
 * Types and constants shared by the Knot frontend and backend plugins.
 *
 * @packageDocumentation
 */

export * from './health';
export * from './labels';

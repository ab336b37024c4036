/**
 * Scaffolder module of Knot: the `knot:helm:install` action.
 *
 * @packageDocumentation
 */

export { scaffolderModuleKnot as default } from './module';
export { scaffolderModuleKnot } from './module';

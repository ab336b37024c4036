/**
 * The Knot backend plugin.
 *
 * @packageDocumentation
 */

export { knotPlugin as default } from './plugin';
export { catalogModuleKnotProfiles } from './catalog/module';

/**
 * Catalog module of Knot: Users and Groups from Knot's users and teams, a
 * Template per offered chart version, a Component per deployed service.
 *
 * @packageDocumentation
 */

export { catalogModuleKnot as default } from './module';
export { catalogModuleKnot, catalogModuleKnotAudience } from './module';
export { KnotAudienceProcessor, knotAudienceRule } from './audience';

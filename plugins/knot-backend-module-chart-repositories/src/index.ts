/**
 * Knot module: charts from HTTP chart repositories, OCI registries (e.g.
 * Harbor) and per-profile locations, configured in
 * `knot.services.repositories`.
 *
 * @packageDocumentation
 */

export { knotModuleChartRepositories as default } from './module';
export { knotModuleChartRepositories } from './module';

/**
 * Node.js library of the knot plugin: the client other plugins call Knot
 * with (`knotServiceRef`), profile access (`profileAccessServiceRef`), the
 * extension point chart-source modules plug into, and the events topic of
 * profile changes.
 *
 * @packageDocumentation
 */

export {
  knotServiceRef,
  type KnotInstallOptions,
  type KnotService,
} from './client/KnotService';
export {
  profileAccessServiceRef,
  type ProfileAccess,
} from './profileAccess/ProfileAccess';
export type {
  ChartInfo,
  ChartProfile,
  ChartSource,
  ChartSourceContext,
} from './charts/ChartSource';
export {
  knotChartSourcesExtensionPoint,
  type KnotChartSourcesExtensionPoint,
} from './charts/extensions';
export { readChartDir } from './charts/readChartDir';
export { KNOT_PROFILES_TOPIC, type KnotProfileChange } from './events';

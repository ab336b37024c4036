/**
 * The Knot frontend plugin.
 *
 * @packageDocumentation
 */

export { knotPlugin as default } from './plugin';
export {
  knotApiRef,
  type KnotApi,
  type KnotPodLogRequest,
  type KnotServiceLogRequest,
} from './api/KnotApi';
export { filesApiRef, type FilesApi } from './api/FilesApi';
export { KnotIntegrationsSidebarItems } from './components/integrations';

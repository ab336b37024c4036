export { KnotIntegrationsSidebarItems } from './IntegrationsSidebarItems';
export { integrationIcons } from './integrationIcons';
export { useIntegrations } from './useIntegrations';

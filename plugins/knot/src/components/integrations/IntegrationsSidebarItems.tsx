import { SidebarItem } from '@backstage/core-components';
import { integrationIcons } from './integrationIcons';
import { useIntegrations } from './useIntegrations';

/**
 * One sidebar entry per enabled integration, opening it in a new tab. For
 * the app's sidebar (a `NavContentBlueprint` component), since the list
 * comes from the backend, not from pages.
 *
 * @public
 */
export function KnotIntegrationsSidebarItems() {
  const { value } = useIntegrations();
  return (
    <>
      {(value ?? []).map(integration => (
        <SidebarItem
          key={integration.name}
          icon={integrationIcons[integration.name]}
          to={integration.url}
          text={integration.title}
          target="_blank"
          rel="noopener noreferrer"
        />
      ))}
    </>
  );
}

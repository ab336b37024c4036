import type { KnotIntegrationName } from '@knot-platform/plugin-knot-common';
import type { IconComponent } from '@backstage/frontend-plugin-api';
import WorkflowIcon from '@material-ui/icons/AccountTree';
import RegistryIcon from '@material-ui/icons/DirectionsBoat';
import NotebookIcon from '@material-ui/icons/MenuBook';
import MetricsIcon from '@material-ui/icons/ShowChart';

/** The icon of each integration, on its tile and in the sidebar. */
export const integrationIcons: Record<KnotIntegrationName, IconComponent> = {
  jupyterhub: NotebookIcon,
  argoWorkflows: WorkflowIcon,
  harbor: RegistryIcon,
  grafana: MetricsIcon,
};

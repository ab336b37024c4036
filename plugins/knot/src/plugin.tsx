import {
  ApiBlueprint,
  createFrontendPlugin,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import HubIcon from '@material-ui/icons/DeviceHub';
import StorageIcon from '@material-ui/icons/Storage';
import { knotApiRef } from './api/KnotApi';
import { KnotClient } from './api/KnotClient';
import { provisioningApiRef } from './api/ProvisioningApi';
import { ProvisioningClient } from './api/ProvisioningClient';
import { provisioningRouteRef, rootRouteRef } from './routes';

const knotApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: knotApiRef,
      deps: { fetchApi: fetchApiRef },
      factory: ({ fetchApi }) => new KnotClient({ fetchApi }),
    }),
});

const knotPage = PageBlueprint.make({
  params: {
    path: '/knot',
    routeRef: rootRouteRef,
    // title + icon are what put the page in the sidebar.
    title: 'Knot',
    icon: <HubIcon />,
    loader: () => import('./components/KnotPage').then(m => <m.KnotPage />),
  },
});

const provisioningApi = ApiBlueprint.make({
  name: 'provisioning',
  params: defineParams =>
    defineParams({
      api: provisioningApiRef,
      deps: { fetchApi: fetchApiRef },
      factory: ({ fetchApi }) => new ProvisioningClient(fetchApi),
    }),
});

/** Admin: per-profile namespaces, volumes and quotas. */
const adminProvisioningPage = PageBlueprint.make({
  name: 'provisioning',
  params: {
    path: '/knot/admin/provisioning',
    routeRef: provisioningRouteRef,
    title: 'Provisioning',
    icon: <StorageIcon />,
    loader: () =>
      import('./components/AdminProvisioningPage').then(m => (
        <m.AdminProvisioningPage />
      )),
  },
});

/**
 * The Knot frontend plugin.
 *
 * @public
 */
export const knotPlugin = createFrontendPlugin({
  pluginId: 'knot',
  title: 'Knot',
  icon: <HubIcon />,
  routes: { root: rootRouteRef },
  extensions: [knotApi, knotPage, provisioningApi, adminProvisioningPage],
});

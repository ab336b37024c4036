import {
  ApiBlueprint,
  createFrontendPlugin,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import HubIcon from '@material-ui/icons/DeviceHub';
import PersonIcon from '@material-ui/icons/Person';
import SupervisorAccountIcon from '@material-ui/icons/SupervisorAccount';
import { knotApiRef } from './api/KnotApi';
import { KnotClient } from './api/KnotClient';
import { accountRouteRef, adminRouteRef, rootRouteRef } from './routes';

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

const accountPage = PageBlueprint.make({
  name: 'account',
  params: {
    path: '/knot-account',
    routeRef: accountRouteRef,
    title: 'Account',
    icon: <PersonIcon />,
    loader: () =>
      import('./components/AccountPage').then(m => <m.AccountPage />),
  },
});

const adminPage = PageBlueprint.make({
  name: 'admin',
  params: {
    path: '/knot-admin',
    routeRef: adminRouteRef,
    title: 'Admin',
    icon: <SupervisorAccountIcon />,
    loader: () => import('./components/AdminPage').then(m => <m.AdminPage />),
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
  routes: {
    root: rootRouteRef,
    account: accountRouteRef,
    admin: adminRouteRef,
  },
  extensions: [knotApi, knotPage, accountPage, adminPage],
});

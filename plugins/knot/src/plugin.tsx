import {
  ApiBlueprint,
  createFrontendPlugin,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import HubIcon from '@material-ui/icons/DeviceHub';
import { knotApiRef } from './api/KnotApi';
import { KnotClient } from './api/KnotClient';
import CloudIcon from '@material-ui/icons/Cloud';
import { rootRouteRef, servicesRouteRef } from './routes';

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

const servicesPage = PageBlueprint.make({
  name: 'services',
  params: {
    path: '/services',
    routeRef: servicesRouteRef,
    title: 'Services',
    icon: <CloudIcon />,
    // Also serves /services/sign-in, where forward-auth sends browsers.
    loader: () =>
      import('./components/ServicesPage').then(m => <m.ServicesRoutes />),
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
    services: servicesRouteRef,
  },
  extensions: [knotApi, knotPage, servicesPage],
});

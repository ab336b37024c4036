import {
  ApiBlueprint,
  createFrontendPlugin,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import HubIcon from '@material-ui/icons/DeviceHub';
import { knotApiRef } from './api/KnotApi';
import { KnotClient } from './api/KnotClient';
import { rootRouteRef } from './routes';

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
  extensions: [knotApi, knotPage],
});

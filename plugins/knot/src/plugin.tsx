import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  identityApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import HubIcon from '@material-ui/icons/DeviceHub';
import FolderIcon from '@material-ui/icons/Folder';
import { filesApiRef } from './api/FilesApi';
import { FilesClient } from './api/FilesClient';
import { knotApiRef } from './api/KnotApi';
import { KnotClient } from './api/KnotClient';
import { filesRouteRef, rootRouteRef } from './routes';

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

const filesApi = ApiBlueprint.make({
  name: 'files',
  params: defineParams =>
    defineParams({
      api: filesApiRef,
      deps: {
        fetchApi: fetchApiRef,
        discoveryApi: discoveryApiRef,
        identityApi: identityApiRef,
      },
      factory: deps => new FilesClient(deps),
    }),
});

const filesPage = PageBlueprint.make({
  name: 'files',
  params: {
    path: '/files',
    routeRef: filesRouteRef,
    title: 'Files',
    icon: <FolderIcon />,
    loader: () => import('./components/FilesPage').then(m => <m.FilesPage />),
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
  routes: { root: rootRouteRef, files: filesRouteRef },
  extensions: [knotApi, knotPage, filesApi, filesPage],
});

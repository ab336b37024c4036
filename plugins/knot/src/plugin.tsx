import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  identityApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import HubIcon from '@material-ui/icons/DeviceHub';
import FolderIcon from '@material-ui/icons/Folder';
import StorageIcon from '@material-ui/icons/Storage';
import { filesApiRef } from './api/FilesApi';
import { FilesClient } from './api/FilesClient';
import { knotApiRef } from './api/KnotApi';
import { KnotClient } from './api/KnotClient';
import CloudIcon from '@material-ui/icons/Cloud';
import { provisioningApiRef } from './api/ProvisioningApi';
import { ProvisioningClient } from './api/ProvisioningClient';
import PersonIcon from '@material-ui/icons/Person';
import SupervisorAccountIcon from '@material-ui/icons/SupervisorAccount';
import {
  accountRouteRef,
  adminRouteRef,
  filesRouteRef,
  provisioningRouteRef,
  rootRouteRef,
  servicesRouteRef,
} from './routes';

/** What every Knot client needs to call knot-backend (KnotFetch). */
const knotFetchDeps = {
  fetchApi: fetchApiRef,
  discoveryApi: discoveryApiRef,
  identityApi: identityApiRef,
};

const knotApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: knotApiRef,
      deps: knotFetchDeps,
      factory: deps => new KnotClient(deps),
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

const provisioningApi = ApiBlueprint.make({
  name: 'provisioning',
  params: defineParams =>
    defineParams({
      api: provisioningApiRef,
      deps: knotFetchDeps,
      factory: deps => new ProvisioningClient(deps),
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

/** Create forms: the `profile` of Knot's chart Templates (ui:field). */
const profilePickerField = FormFieldBlueprint.make({
  name: 'profile-picker',
  params: {
    field: () =>
      import('./components/ProfilePickerField').then(
        m => m.profilePickerFormField,
      ),
  },
});

const filesApi = ApiBlueprint.make({
  name: 'files',
  params: defineParams =>
    defineParams({
      api: filesApiRef,
      deps: knotFetchDeps,
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
  routes: {
    root: rootRouteRef,
    files: filesRouteRef,
    provisioning: provisioningRouteRef,
    services: servicesRouteRef,
    account: accountRouteRef,
    admin: adminRouteRef,
  },
  extensions: [
    knotApi,
    knotPage,
    servicesPage,
    profilePickerField,
    filesPage,
    filesApi,
    accountPage,
    adminPage,
    provisioningApi,
    adminProvisioningPage,
  ],
});

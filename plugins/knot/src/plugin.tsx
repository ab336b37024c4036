import {
  ApiBlueprint,
  AppRootElementBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  identityApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import { RequirePermission } from '@backstage/plugin-permission-react';
import {
  knotProvisioningManagePermission,
  knotUsersManagePermission,
} from '@knot-platform/plugin-knot-common';
import HubIcon from '@material-ui/icons/DeviceHub';
import FolderIcon from '@material-ui/icons/Folder';
import CloudIcon from '@material-ui/icons/Cloud';
import DatasetIcon from '@material-ui/icons/Dns';
import ImageIcon from '@material-ui/icons/Layers';
import PersonIcon from '@material-ui/icons/Person';
import StorageIcon from '@material-ui/icons/Storage';
import SupervisorAccountIcon from '@material-ui/icons/SupervisorAccount';
import GroupIcon from '@material-ui/icons/Group';
import { allowedTo } from './allowedTo';
import { datasetsApiRef } from './api/DatasetsApi';
import { DatasetsClient } from './api/DatasetsClient';
import { filesApiRef } from './api/FilesApi';
import { imagesApiRef } from './api/ImagesApi';
import { ImagesClient } from './api/ImagesClient';
import { FilesClient } from './api/FilesClient';
import { knotApiRef } from './api/KnotApi';
import { KnotClient } from './api/KnotClient';
import { provisioningApiRef } from './api/ProvisioningApi';
import { ProvisioningClient } from './api/ProvisioningClient';
import { auditApiRef } from './api/AuditApi';
import { AuditClient } from './api/AuditClient';
import { quotasApiRef } from './api/QuotasApi';
import { QuotasClient } from './api/QuotasClient';
import { sharingApiRef } from './api/SharingApi';
import { SharingClient } from './api/SharingClient';
import { teamsApiRef } from './api/TeamsApi';
import { TeamsClient } from './api/TeamsClient';
import { ExactPath } from './components/ExactPath';
import { ImpersonationBanner } from './components/ImpersonationBanner';
import {
  accountRouteRef,
  adminRouteRef,
  datasetsRouteRef,
  filesRouteRef,
  imagesRouteRef,
  provisioningRouteRef,
  rootRouteRef,
  servicesRouteRef,
  teamsRouteRef,
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

const filesApi = ApiBlueprint.make({
  name: 'files',
  params: defineParams =>
    defineParams({
      api: filesApiRef,
      deps: knotFetchDeps,
      factory: deps => new FilesClient(deps),
    }),
});

const datasetsApi = ApiBlueprint.make({
  name: 'datasets',
  params: defineParams =>
    defineParams({
      api: datasetsApiRef,
      deps: knotFetchDeps,
      factory: deps => new DatasetsClient(deps),
    }),
});

const imagesApi = ApiBlueprint.make({
  name: 'images',
  params: defineParams =>
    defineParams({
      api: imagesApiRef,
      deps: knotFetchDeps,
      factory: deps => new ImagesClient(deps),
    }),
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

// Quotas: the acting profile's usage bars; every profile's for admins.
const quotasApi = ApiBlueprint.make({
  name: 'quotas',
  params: defineParams =>
    defineParams({
      api: quotasApiRef,
      deps: knotFetchDeps,
      factory: deps => new QuotasClient(deps),
    }),
});

// Self-service teams: the signed-in user's teams and invitations.
const teamsApi = ApiBlueprint.make({
  name: 'teams',
  params: defineParams =>
    defineParams({
      api: teamsApiRef,
      deps: knotFetchDeps,
      factory: deps => new TeamsClient(deps),
    }),
});

// Sharing services with users and teams; what others shared with me.
const sharingApi = ApiBlueprint.make({
  name: 'sharing',
  params: defineParams =>
    defineParams({
      api: sharingApiRef,
      deps: knotFetchDeps,
      factory: deps => new SharingClient(deps),
    }),
});

// The audit log: the Admin page's panel and the user's own activity.
const auditApi = ApiBlueprint.make({
  name: 'audit',
  params: defineParams =>
    defineParams({
      api: auditApiRef,
      deps: knotFetchDeps,
      factory: deps => new AuditClient(deps),
    }),
});

const teamsPage = PageBlueprint.make({
  name: 'teams',
  params: {
    path: '/knot/teams',
    routeRef: teamsRouteRef,
    title: 'Teams',
    icon: <GroupIcon />,
    loader: () => import('./components/TeamsPage').then(m => <m.TeamsPage />),
  },
});

// Admin impersonation: a banner on every page while it lasts, with Stop.
const impersonationBanner = AppRootElementBlueprint.make({
  name: 'impersonation-banner',
  params: {
    element: <ImpersonationBanner />,
  },
});

// Every page lives under /knot. title + icon are what put a page in the
// sidebar.

const knotPage = PageBlueprint.make({
  params: {
    path: '/knot',
    routeRef: rootRouteRef,
    title: 'Knot',
    icon: <HubIcon />,
    loader: () =>
      import('./components/KnotPage').then(m => (
        <ExactPath>
          <m.KnotPage />
        </ExactPath>
      )),
  },
});

const servicesPage = PageBlueprint.make({
  name: 'services',
  params: {
    path: '/knot/services',
    routeRef: servicesRouteRef,
    title: 'Services',
    icon: <CloudIcon />,
    // Also serves /knot/services/sign-in, where forward-auth sends browsers.
    loader: () =>
      import('./components/ServicesPage').then(m => <m.ServicesRoutes />),
  },
});

const filesPage = PageBlueprint.make({
  name: 'files',
  params: {
    path: '/knot/files',
    routeRef: filesRouteRef,
    title: 'Files',
    icon: <FolderIcon />,
    loader: () => import('./components/FilesPage').then(m => <m.FilesPage />),
  },
});

const datasetsPage = PageBlueprint.make({
  name: 'datasets',
  params: {
    path: '/knot/datasets',
    routeRef: datasetsRouteRef,
    title: 'Datasets',
    icon: <DatasetIcon />,
    loader: () =>
      import('./components/DatasetsPage').then(m => <m.DatasetsPage />),
  },
});

const imagesPage = PageBlueprint.make({
  name: 'images',
  params: {
    path: '/knot/images',
    routeRef: imagesRouteRef,
    title: 'Images',
    icon: <ImageIcon />,
    loader: () => import('./components/ImagesPage').then(m => <m.ImagesPage />),
  },
});

const accountPage = PageBlueprint.make({
  name: 'account',
  params: {
    path: '/knot/account',
    routeRef: accountRouteRef,
    title: 'Account',
    icon: <PersonIcon />,
    loader: () =>
      import('./components/AccountPage').then(m => <m.AccountPage />),
  },
});

// Admin pages exist only for users granted their permission (`if`: no route,
// no sidebar entry otherwise); the page checks again, as the permission may
// be withdrawn while the app runs.

/** Admin: users and teams. */
const adminPage = PageBlueprint.make({
  name: 'admin',
  if: allowedTo(knotUsersManagePermission),
  params: {
    path: '/knot/admin',
    routeRef: adminRouteRef,
    title: 'Admin',
    icon: <SupervisorAccountIcon />,
    loader: () =>
      import('./components/AdminPage').then(m => (
        <RequirePermission permission={knotUsersManagePermission}>
          <ExactPath>
            <m.AdminPage />
          </ExactPath>
        </RequirePermission>
      )),
  },
});

/** Admin: per-profile namespaces, volumes and quotas. */
const adminProvisioningPage = PageBlueprint.make({
  name: 'provisioning',
  if: allowedTo(knotProvisioningManagePermission),
  params: {
    path: '/knot/admin/provisioning',
    routeRef: provisioningRouteRef,
    title: 'Provisioning',
    icon: <StorageIcon />,
    loader: () =>
      import('./components/AdminProvisioningPage').then(m => (
        <RequirePermission permission={knotProvisioningManagePermission}>
          <m.AdminProvisioningPage />
        </RequirePermission>
      )),
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

/** Create forms: the service `name` of Knot's chart Templates (ui:field). */
const serviceNameField = FormFieldBlueprint.make({
  name: 'service-name',
  params: {
    field: () =>
      import('./components/ServiceNameField').then(m => m.serviceNameFormField),
  },
});

/** Create forms: chart values flagged `knot.metadata.<value>.image: true`. */
const imagePickerField = FormFieldBlueprint.make({
  name: 'image-picker',
  params: {
    field: () =>
      import('./components/ImagePickerField').then(m => m.imagePickerFormField),
  },
});

/** Create forms: whether the deploy fits the profile's quota (ui:field). */
const quotaFitField = FormFieldBlueprint.make({
  name: 'quota-fit',
  params: {
    field: () =>
      import('./components/QuotaFitField').then(m => m.quotaFitFormField),
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
    datasets: datasetsRouteRef,
    images: imagesRouteRef,
    provisioning: provisioningRouteRef,
    services: servicesRouteRef,
    account: accountRouteRef,
    admin: adminRouteRef,
    teams: teamsRouteRef,
  },
  extensions: [
    knotApi,
    filesApi,
    datasetsApi,
    imagesApi,
    provisioningApi,
    quotasApi,
    knotPage,
    servicesPage,
    filesPage,
    datasetsPage,
    imagesPage,
    accountPage,
    adminPage,
    adminProvisioningPage,
    profilePickerField,
    serviceNameField,
    imagePickerField,
    quotaFitField,
    teamsApi,
    sharingApi,
    auditApi,
    teamsPage,
    impersonationBanner,
  ],
});

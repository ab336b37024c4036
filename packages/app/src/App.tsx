import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import scaffolderPlugin from '@backstage/plugin-scaffolder/alpha';
import kubernetesPlugin from '@backstage/plugin-kubernetes/alpha';
import orgPlugin from '@backstage/plugin-org/alpha';
import userSettingsPlugin from '@backstage/plugin-user-settings/alpha';
import knotPlugin from '@knot-platform/plugin-knot';
import { navModule } from './modules/nav';
import { signInModule } from './modules/signIn';
import { kubernetesLogsModule } from './modules/kubernetesLogs';

export default createApp({
  features: [
    catalogPlugin,
    scaffolderPlugin,
    kubernetesPlugin,
    kubernetesLogsModule,
    orgPlugin,
    userSettingsPlugin,
    knotPlugin,
    navModule,
    signInModule,
  ],
});

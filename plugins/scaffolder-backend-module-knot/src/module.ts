import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { knotServiceRef } from '@knot-platform/plugin-knot-node';
import { createHelmInstallAction } from './helmInstallAction';

/**
 * Scaffolder module of Knot: the `knot:helm:install` action, which asks the
 * knot plugin to deploy a chart on behalf of the task's initiator.
 *
 * @public
 */
export const scaffolderModuleKnot = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'knot',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        knot: knotServiceRef,
      },
      async init({ scaffolder, knot }) {
        scaffolder.addActions(createHelmInstallAction(knot));
      },
    });
  },
});

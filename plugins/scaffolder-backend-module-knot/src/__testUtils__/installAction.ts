import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  startKnotTestBackend,
  type KnotTestBackendOptions,
} from '@knot-platform/knot-test-utils';
import { scaffolderModuleKnot } from '../module';

/**
 * The real `knot:helm:install` of this module, in a test backend next to the
 * real knot plugin. `run` starts it as a task of `user` (its initiator) would.
 */
export async function startInstallAction(options: KnotTestBackendOptions) {
  const actions: any[] = [];
  const backend = await startKnotTestBackend({
    ...options,
    features: [scaffolderModuleKnot, ...(options.features ?? [])],
    extensionPoints: [
      [
        scaffolderActionsExtensionPoint,
        { addActions: (...added: any[]) => actions.push(...added) },
      ],
    ],
  });
  const action = actions.find(a => a.id === 'knot:helm:install');
  return {
    backend,
    run(input: Record<string, unknown>, user?: string) {
      const logger = mockServices.logger.mock();
      const ref = `user:default/${user}`;
      const ctx = {
        ...createMockActionContext({
          input: input as any,
          logger,
          user: user ? { ref } : undefined,
        }),
        getInitiatorCredentials: async () => mockCredentials.user(ref),
      };
      return { ctx, logger, done: action.handler(ctx) as Promise<void> };
    },
  };
}

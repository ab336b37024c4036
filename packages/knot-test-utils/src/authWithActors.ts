import {
  coreServices,
  createServiceFactory,
  type AuthService,
  type BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';

/**
 * The mock auth service, except that a plugin's token on behalf of a user
 * names the plugin as actor, as the real one does: the permission backend
 * refuses resource permissions without a resourceRef to users themselves,
 * so tests of permission policies need it to see what production sees.
 */
export const mockAuthWithActors = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    const getPluginRequestToken: AuthService['getPluginRequestToken'] =
      async options => {
        if (!auth.isPrincipal(options.onBehalfOf, 'user')) {
          return auth.getPluginRequestToken(options);
        }
        const principal = options.onBehalfOf
          .principal as BackstageUserPrincipal;
        return {
          token: mockCredentials.user.token(principal.userEntityRef, {
            actor: { subject: `plugin:${plugin.getId()}` },
          }),
        };
      };
    return Object.assign(Object.create(auth) as AuthService, {
      getPluginRequestToken,
    });
  },
});

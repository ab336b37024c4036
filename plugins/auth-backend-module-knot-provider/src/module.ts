import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  authProvidersExtensionPoint,
  createOAuthProviderFactory,
} from '@backstage/plugin-auth-node';
import { lazyKnotOidcAuthenticator } from './knotOidcAuthenticator';
import { knotSignInResolver } from './knotSignInResolver';

/**
 * Auth module: sign-in to Backstage through Knot's own OIDC provider
 * (provider id `oidc`, configured under `auth.providers.oidc`), as
 * `user:default/<username>`.
 *
 * @public
 */
export const authModuleKnotProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'knot-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ providers, config }) {
        providers.registerProvider({
          providerId: 'oidc',
          factory: createOAuthProviderFactory({
            authenticator: lazyKnotOidcAuthenticator(
              config.getString('backend.baseUrl'),
            ),
            signInResolver: knotSignInResolver,
          }),
        });
      },
    });
  },
});

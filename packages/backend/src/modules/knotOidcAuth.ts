import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { ConfigReader, type Config } from '@backstage/config';
import {
  oidcAuthenticator,
  type OidcAuthResult,
} from '@backstage/plugin-auth-backend-module-oidc-provider';
import {
  authProvidersExtensionPoint,
  createOAuthAuthenticator,
  createOAuthProviderFactory,
  type SignInResolver,
  type OAuthAuthenticatorResult,
} from '@backstage/plugin-auth-node';

const KNOT_DISCOVERY_PATH = '/api/knot/oidc/.well-known/openid-configuration';

type OidcContext = ReturnType<typeof oidcAuthenticator.initialize>;

/**
 * Backstage's OIDC authenticator, made lazy: the stock one fetches the
 * provider's discovery document once at start-up, but Knot's provider is
 * served by this same backend and may not be mounted yet. This one fetches
 * it on first use and retries after a failure. A `metadataUrl` starting
 * with `/` (and the default) is on this backend.
 */
export function lazyKnotOidcAuthenticator(backendBaseUrl: string) {
  return createOAuthAuthenticator<() => OidcContext, OidcAuthResult>({
    defaultProfileTransform: async result => ({
      profile: {
        email: result.fullProfile.userinfo.email,
        displayName:
          (result.fullProfile.userinfo.name as string | undefined) ??
          result.fullProfile.userinfo.preferred_username,
      },
    }),
    scopes: oidcAuthenticator.scopes,
    initialize({ callbackUrl, config }) {
      const metadataUrl =
        config.getOptionalString('metadataUrl') ?? KNOT_DISCOVERY_PATH;
      const withDefaults: Config = new ConfigReader({
        ...(config.get() as object),
        metadataUrl: metadataUrl.startsWith('/')
          ? `${backendBaseUrl}${metadataUrl}`
          : metadataUrl,
      });
      let context: OidcContext | undefined;
      return () => {
        if (!context) {
          const fresh = oidcAuthenticator.initialize({
            callbackUrl,
            config: withDefaults,
          });
          fresh.promise.catch(() => {
            // Try discovery again on the next sign-in.
            if (context === fresh) {
              context = undefined;
            }
          });
          context = fresh;
        }
        return context;
      };
    },
    start: (input, lazy) => oidcAuthenticator.start(input, lazy()),
    authenticate: (input, lazy) =>
      oidcAuthenticator.authenticate(input, lazy()),
    refresh: (input, lazy) => oidcAuthenticator.refresh(input, lazy()),
  });
}

/**
 * Signs the Knot user in as `user:default/<username>`, owning their teams'
 * groups. Knot only issues tokens to active accounts (its login page tells
 * pending users they await approval), so no catalog lookup is needed.
 */
export const knotSignInResolver: SignInResolver<
  OAuthAuthenticatorResult<OidcAuthResult>
> = async (info, ctx) => {
  const userinfo = info.result.fullProfile.userinfo;
  const username = (userinfo.preferred_username as string) ?? userinfo.sub;
  if (!username) {
    throw new Error('Knot did not say who you are: no username in the token');
  }
  const groups = Array.isArray(userinfo.groups)
    ? (userinfo.groups as string[])
    : [];
  const userRef = stringifyEntityRef({
    kind: 'User',
    namespace: 'default',
    name: username,
  });
  return ctx.issueToken({
    claims: {
      sub: userRef,
      ent: [
        userRef,
        ...groups.map(name =>
          stringifyEntityRef({ kind: 'Group', namespace: 'default', name }),
        ),
      ],
    },
  });
};

/** Sign-in to the portal through Knot's own OIDC provider (provider id `oidc`). */
export const authModuleKnotOidc = createBackendModule({
  pluginId: 'auth',
  moduleId: 'knot-oidc',
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

import { ConfigReader, type Config } from '@backstage/config';
import {
  oidcAuthenticator,
  type OidcAuthResult,
} from '@backstage/plugin-auth-backend-module-oidc-provider';
import { createOAuthAuthenticator } from '@backstage/plugin-auth-node';
import { KNOT_OIDC_DISCOVERY_PATH } from '@knot-platform/plugin-knot-common';

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
        config.getOptionalString('metadataUrl') ?? KNOT_OIDC_DISCOVERY_PATH;
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

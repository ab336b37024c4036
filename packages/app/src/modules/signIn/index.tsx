import { OAuth2 } from '@backstage/core-app-api';
import { SignInPage } from '@backstage/core-components';
import {
  ApiBlueprint,
  configApiRef,
  createFrontendModule,
  discoveryApiRef,
  oauthRequestApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import type { SignInPageProps } from '@backstage/core-plugin-api';
import { knotAuthApiRef } from './knotAuthApiRef';

const knotAuthApi = ApiBlueprint.make({
  name: 'knot-auth',
  params: defineParams =>
    defineParams({
      api: knotAuthApiRef,
      deps: {
        configApi: configApiRef,
        discoveryApi: discoveryApiRef,
        oauthRequestApi: oauthRequestApiRef,
      },
      factory: ({ configApi, discoveryApi, oauthRequestApi }) =>
        OAuth2.create({
          configApi,
          discoveryApi,
          oauthRequestApi,
          provider: { id: 'oidc', title: 'Knot', icon: () => null },
          environment: configApi.getOptionalString('auth.environment'),
          defaultScopes: ['openid', 'profile', 'email'],
        }),
    }),
});

const knotProvider = {
  id: 'knot',
  title: 'Knot account',
  message: 'Sign in with your Knot username and password',
  apiRef: knotAuthApiRef,
};

/**
 * Knot sign-in; the guest button is offered in development only (other
 * features' tests sign in as guest; production has no guest provider).
 */
function KnotSignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  // auth.providers is not visible to the frontend; auth.environment is.
  const guest = config.getOptionalString('auth.environment') === 'development';
  return (
    <SignInPage
      {...props}
      align="center"
      providers={guest ? [knotProvider, 'guest'] : [knotProvider]}
    />
  );
}

const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => props => <KnotSignInPage {...props} />,
  },
});

export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [knotAuthApi, signInPage],
});

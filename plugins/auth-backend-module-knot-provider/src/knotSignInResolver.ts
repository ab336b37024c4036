import { stringifyEntityRef } from '@backstage/catalog-model';
import type { OidcAuthResult } from '@backstage/plugin-auth-backend-module-oidc-provider';
import type {
  OAuthAuthenticatorResult,
  SignInResolver,
} from '@backstage/plugin-auth-node';

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

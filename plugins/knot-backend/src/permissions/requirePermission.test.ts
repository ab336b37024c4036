import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { knotUsersManagePermission } from '@knot-platform/plugin-knot-common';
import type { Request } from 'express';
import { requirePermission } from './requirePermission';

/** A request signed by `user`, as the mock httpAuth reads it. */
const signedBy = (user: string) =>
  ({
    headers: {
      authorization: mockCredentials.user.header(`user:default/${user}`),
    },
  } as unknown as Request);

const admins = { isAdmin: async (name: string) => name === 'root' };

function check(
  result: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
  frameworkEnabled: boolean,
) {
  return {
    permissions: mockServices.permissions({ result }),
    httpAuth: mockServices.httpAuth(),
    userInfo: mockServices.userInfo(),
    admins,
    frameworkEnabled,
  };
}

describe('requirePermission', () => {
  it('asks the permission framework when it is enabled', async () => {
    await expect(
      requirePermission(
        check(AuthorizeResult.ALLOW, true),
        signedBy('alice'),
        knotUsersManagePermission,
      ),
    ).resolves.toBe('alice');
    await expect(
      requirePermission(
        check(AuthorizeResult.DENY, true),
        signedBy('root'),
        knotUsersManagePermission,
      ),
    ).rejects.toThrow('Only Knot admins may do this');
  });

  // Without the framework Backstage allows every permission to everyone:
  // Knot must not make everyone an admin then.
  it('grants Knot admins only when the framework is disabled', async () => {
    const allowAll = check(AuthorizeResult.ALLOW, false);
    await expect(
      requirePermission(allowAll, signedBy('alice'), knotUsersManagePermission),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: 'Only Knot admins may do this',
    });
    await expect(
      requirePermission(allowAll, signedBy('root'), knotUsersManagePermission),
    ).resolves.toBe('root');
  });

  it('refuses requests without a signed-in user', async () => {
    await expect(
      requirePermission(
        check(AuthorizeResult.ALLOW, true),
        {
          headers: { authorization: mockCredentials.none.header() },
        } as unknown as Request,
        knotUsersManagePermission,
      ),
    ).rejects.toMatchObject({ name: 'AuthenticationError' });
  });
});

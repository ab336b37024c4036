import type {
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import type { UserStore } from '../users/UserStore';

/**
 * Admins of the provisioning routes: active admins of Knot's user store, and
 * the names in `knot.provisioning.admins` (development: the guest user).
 */
export function storeAdminCheck(options: {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  store: Pick<UserStore, 'getUser'>;
  extraAdmins: string[];
}) {
  return async (req: Parameters<HttpAuthService['credentials']>[0]) => {
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user'],
    });
    const { userEntityRef } = await options.userInfo.getUserInfo(credentials);
    const name = parseEntityRef(userEntityRef).name;
    if (options.extraAdmins.includes(name)) return;
    const user = await options.store.getUser(name);
    if (!user?.admin || !user.active) {
      throw new NotAllowedError('Only Knot admins may do this');
    }
  };
}

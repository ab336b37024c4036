import type {
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import type { Request } from 'express';

/**
 * Refuses a request unless a Knot admin signed it: resolves for admins,
 * throws `AuthenticationError` (401) or `NotAllowedError` (403) otherwise.
 * The identity store provides the real one; admin routes take it injected.
 */
export type RequireAdmin = (req: Request) => Promise<void>;

/**
 * Admin check from config alone: admins are the usernames listed in
 * `knot.provisioning.admins` (the default when no store check is given).
 */
export function configAdminCheck(
  httpAuth: HttpAuthService,
  userInfo: UserInfoService,
  admins: string[],
): RequireAdmin {
  return async req => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { userEntityRef } = await userInfo.getUserInfo(credentials);
    if (!admins.includes(parseEntityRef(userEntityRef).name)) {
      throw new NotAllowedError('Only Knot admins may do this');
    }
  };
}

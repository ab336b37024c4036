import type {
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type BasicPermission,
} from '@backstage/plugin-permission-common';
import type { Request } from 'express';
import type { KnotAdmins } from '../identity/KnotAdmins';

/** What checking one of Knot's permissions takes. */
export interface PermissionCheck {
  permissions: PermissionsService;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  admins: Pick<KnotAdmins, 'isAdmin'>;
  /**
   * `permission.enabled`. Without the framework Backstage allows every
   * permission to everyone, so Knot then grants its own to Knot admins only.
   */
  frameworkEnabled: boolean;
}

/**
 * Whether the signed-in user of `req` holds `permission`, and who it is.
 * Refuses requests without user credentials (401, or 403 for services).
 */
export async function hasPermission(
  check: PermissionCheck,
  req: Request,
  permission: BasicPermission,
): Promise<{ username: string; allowed: boolean }> {
  const credentials = await check.httpAuth.credentials(req, {
    allow: ['user'],
  });
  const { userEntityRef } = await check.userInfo.getUserInfo(credentials);
  const username = parseEntityRef(userEntityRef).name;
  if (!check.frameworkEnabled) {
    return { username, allowed: await check.admins.isAdmin(username) };
  }
  const [decision] = await check.permissions.authorize([{ permission }], {
    credentials,
  });
  return { username, allowed: decision.result === AuthorizeResult.ALLOW };
}

/**
 * Refuses (403) a request whose signed-in user lacks `permission`; answers
 * the user's name otherwise. Every admin route of Knot goes through here.
 */
export async function requirePermission(
  check: PermissionCheck,
  req: Request,
  permission: BasicPermission,
): Promise<string> {
  const { username, allowed } = await hasPermission(check, req, permission);
  if (!allowed) {
    throw new NotAllowedError('Only Knot admins may do this');
  }
  return username;
}

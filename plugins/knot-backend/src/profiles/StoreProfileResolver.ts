import type {
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  PROFILE_HEADER,
  profileNamespace,
  USERNAME_PATTERN,
  type ActingProfile,
} from '@knot-platform/plugin-knot-common';
import type { Request } from 'express';
import type { StoreProfileAccess } from './StoreProfileAccess';
import type { ProfileResolver } from './ProfileResolver';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves the acting profile from the user store: a user acts as themself,
 * as any team they are a member of, or — with the `knot.profiles.impersonate`
 * permission (Knot admins) — as any active user or team. Anything else is
 * refused with 403.
 */
export class StoreProfileResolver implements ProfileResolver {
  constructor(
    private readonly options: {
      httpAuth: HttpAuthService;
      userInfo: UserInfoService;
      access: Pick<StoreProfileAccess, 'check'>;
      /** Whether the request's user may impersonate (a permission check). */
      mayImpersonate: (req: Request) => Promise<boolean>;
      namespacePrefix: string;
    },
  ) {}

  async resolve(
    req: Request,
    mode?: 'read' | 'write',
    profile?: string,
  ): Promise<ActingProfile> {
    const { httpAuth, userInfo, access } = this.options;
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { userEntityRef } = await userInfo.getUserInfo(credentials);
    const actor = parseEntityRef(userEntityRef).name;
    const requested = profile ?? (req.header(PROFILE_HEADER) || actor);
    if (!USERNAME_PATTERN.test(requested)) {
      throw new InputError(
        `The ${PROFILE_HEADER} header '${requested}' is not a profile name`,
      );
    }
    // Reading (GET, HEAD) is what a team's viewers may do; anything else
    // changes the profile (deploy, delete, values, file writes).
    const check = await access.check(
      actor,
      requested,
      mode ?? (SAFE_METHODS.has(req.method) ? 'read' : 'write'),
    );
    if (
      !check.allowed &&
      !(check.impersonation && (await this.options.mayImpersonate(req)))
    ) {
      throw new NotAllowedError(
        requested === actor
          ? check.reason
          : `You may not act as profile '${requested}': ${check.reason}`,
      );
    }
    return {
      name: requested,
      actor,
      namespace: profileNamespace(requested, this.options.namespacePrefix),
    };
  }
}

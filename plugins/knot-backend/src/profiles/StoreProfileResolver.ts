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
import type { UserStore } from '../users/UserStore';
import { StoreProfileAccess } from './StoreProfileAccess';
import type { ProfileResolver } from './ProfileResolver';

/**
 * Resolves the acting profile from the user store: a user acts as themself,
 * as any team they are a member of, or — if admin — as any active user or
 * team (impersonation). Anything else is refused with 403.
 */
export class StoreProfileResolver implements ProfileResolver {
  constructor(
    private readonly httpAuth: HttpAuthService,
    private readonly userInfo: UserInfoService,
    store: Pick<UserStore, 'getUser' | 'isMember' | 'teamsOf'>,
    private readonly namespacePrefix: string,
  ) {
    this.access = new StoreProfileAccess(store);
  }

  private readonly access: StoreProfileAccess;

  async resolve(req: Request): Promise<ActingProfile> {
    const credentials = await this.httpAuth.credentials(req, {
      allow: ['user'],
    });
    const { userEntityRef } = await this.userInfo.getUserInfo(credentials);
    const actor = parseEntityRef(userEntityRef).name;
    const requested = req.header(PROFILE_HEADER) || actor;
    if (!USERNAME_PATTERN.test(requested)) {
      throw new InputError(
        `The ${PROFILE_HEADER} header '${requested}' is not a profile name`,
      );
    }
    const refusal = await this.access.refusalFor(actor, requested);
    if (refusal) {
      throw new NotAllowedError(
        requested === actor
          ? refusal
          : `You may not act as profile '${requested}': ${refusal}`,
      );
    }
    return {
      name: requested,
      actor,
      namespace: profileNamespace(requested, this.namespacePrefix),
    };
  }
}

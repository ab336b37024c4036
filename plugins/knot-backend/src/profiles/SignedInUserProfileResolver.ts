import type {
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { parseEntityRef } from '@backstage/catalog-model';
import { profileNamespace } from '@internal/plugin-knot-common';
import type { Request } from 'express';
import {
  PROFILE_HEADER,
  type ActingProfile,
  type ProfileResolver,
} from './ProfileResolver';

/**
 * The simplest resolver: a request acts as the signed-in user itself. Asking
 * for any other profile is refused until teams and impersonation exist.
 */
export class SignedInUserProfileResolver implements ProfileResolver {
  constructor(
    private readonly httpAuth: HttpAuthService,
    private readonly userInfo: UserInfoService,
    private readonly namespacePrefix: string,
  ) {}

  async resolve(req: Request): Promise<ActingProfile> {
    const credentials = await this.httpAuth.credentials(req, {
      allow: ['user'],
    });
    const { userEntityRef } = await this.userInfo.getUserInfo(credentials);
    const user = parseEntityRef(userEntityRef).name;
    const requested = req.header(PROFILE_HEADER);
    if (requested && requested !== user) {
      throw new NotAllowedError(`You may not act as profile '${requested}'`);
    }
    return {
      name: user,
      actor: user,
      namespace: profileNamespace(user, this.namespacePrefix),
    };
  }
}

import type {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import type { NextFunction, Request, Response } from 'express';
import type { UserStore } from './UserStore';

function isUserCredentials(
  credentials: BackstageCredentials,
): credentials is BackstageCredentials<BackstageUserPrincipal> {
  return (credentials.principal as { type?: string })?.type === 'user';
}

/**
 * Middleware in front of every Knot route: a request on behalf of a user
 * whose Knot account exists but is not active (awaiting approval,
 * deactivated) is refused with 403, whatever its token — Backstage tokens
 * stay valid until they expire, the account's state is checked on every
 * request, so a deactivation takes effect at once. Requests without user
 * credentials (service calls, public routes) pass: the routes decide.
 */
export function refuseInactiveUsers(options: {
  httpAuth: HttpAuthService;
  store: Pick<UserStore, 'getUser'>;
}) {
  const { httpAuth, store } = options;
  return async (req: Request, _res: Response, next: NextFunction) => {
    let credentials: BackstageCredentials;
    try {
      credentials = await httpAuth.credentials(req);
    } catch {
      // No or unusable credentials: the route's own auth policy answers.
      next();
      return;
    }
    if (!isUserCredentials(credentials)) {
      next();
      return;
    }
    const name = parseEntityRef(credentials.principal.userEntityRef, {
      defaultKind: 'user',
    }).name;
    const account = await store.getUser(name);
    if (account && !account.active) {
      throw new NotAllowedError(`The account '${name}' is not active`);
    }
    next();
  };
}

import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { profileAccessServiceRef } from '@knot-platform/plugin-knot-node';
import { KnotActiveUsersPolicy } from './KnotActiveUsersPolicy';
import {
  isKnotPolicyPermission,
  KnotPermissionPolicy,
} from './KnotPermissionPolicy';

/**
 * The policy of `permissionModuleKnotPolicy`: Knot's sub-policy for its
 * permissions, everything else allowed — what an adopter without a policy
 * of its own would write.
 */
export class KnotAllowingOthersPolicy implements PermissionPolicy {
  constructor(private readonly knot: PermissionPolicy) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    return isKnotPolicyPermission(request.permission)
      ? this.knot.handle(request, user)
      : { result: AuthorizeResult.ALLOW };
  }
}

/**
 * Permission module: Knot's policy (see KnotPermissionPolicy) and allow
 * for every other permission, in place of the allow-all policy, all of it
 * refused to users whose Knot account is not active (KnotActiveUsersPolicy).
 * An adopter with a policy of its own composes KnotPermissionPolicy into it
 * and wraps it in KnotActiveUsersPolicy instead.
 *
 * @public
 */
export const permissionModuleKnotPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'knot-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        access: profileAccessServiceRef,
        userInfo: coreServices.userInfo,
        logger: coreServices.logger,
      },
      async init({ policy, access, userInfo, logger }) {
        policy.setPolicy(
          new KnotActiveUsersPolicy(
            access,
            new KnotAllowingOthersPolicy(
              new KnotPermissionPolicy(access, userInfo, logger),
            ),
            logger,
          ),
        );
      },
    });
  },
});

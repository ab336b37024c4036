import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import type { ProfileAccess } from '@knot-platform/plugin-knot-node';

/**
 * Wraps a policy so that a user whose Knot account is not active (awaiting
 * approval, deactivated) gets no permission at all — the catalog, the
 * Kubernetes plugin, the scaffolder's tasks, anything — even with a token
 * issued before the deactivation. Knot's answer is cached for a few seconds
 * (KnotProfileAccess), so a deactivation takes effect within them.
 *
 * An adopter wraps its own policy in it; `permissionModuleKnotPolicy`
 * wraps Knot's. Should Knot not answer, the wrapped policy decides (and
 * KnotPermissionPolicy then grants only what the sign-in token shows).
 *
 * @public
 */
export class KnotActiveUsersPolicy implements PermissionPolicy {
  constructor(
    private readonly access: Pick<ProfileAccess, 'actingProfiles'>,
    private readonly policy: PermissionPolicy,
    private readonly logger: LoggerService,
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (user && !(await this.isActive(user.info.userEntityRef))) {
      return { result: AuthorizeResult.DENY };
    }
    return this.policy.handle(request, user);
  }

  private async isActive(userEntityRef: string): Promise<boolean> {
    try {
      return (await this.access.actingProfiles(userEntityRef)).active !== false;
    } catch (error) {
      this.logger.warn(
        `Knot did not say whether ${userEntityRef} is active: ${error}`,
      );
      return true;
    }
  }
}

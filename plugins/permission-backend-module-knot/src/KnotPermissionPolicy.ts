import type {
  BackstageUserInfo,
  LoggerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  isResourcePermission,
  type Permission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  CHART_PROFILE_ANNOTATION,
  isKnotPermission,
  type ActingProfiles,
} from '@knot-platform/plugin-knot-common';
import type { ProfileAccess } from '@knot-platform/plugin-knot-node';

/**
 * Whether {@link KnotPermissionPolicy} decides a permission: Knot's own
 * (`knot.*`) and those on catalog entities (private chart Templates).
 *
 * @public
 */
export function isKnotPolicyPermission(permission: Permission): boolean {
  return (
    isKnotPermission(permission) ||
    isResourcePermission(permission, 'catalog-entity')
  );
}

/**
 * Knot's permission policy, a sub-policy an adopter's policy hands the
 * permissions of {@link isKnotPolicyPermission} to:
 *
 * - Knot's permissions (`knot.users.manage`, `knot.provisioning.manage`,
 *   `knot.profiles.impersonate`, ...) to Knot admins only;
 * - the catalog entities of a profile's private charts (annotated
 *   `knot/chart-profile`) only to users who may act as that profile —
 *   itself, its team's members, admins. A condition, so the catalog
 *   filters its lists and by-name reads in the database. Service-to-service
 *   requests never get here (the permissions service allows them), so
 *   catalog processing and the scaffolder see everything.
 *
 * Any other permission is denied: it was handed here by mistake.
 *
 * @public
 */
export class KnotPermissionPolicy implements PermissionPolicy {
  constructor(
    private readonly access: Pick<ProfileAccess, 'actingProfiles'>,
    private readonly userInfo: UserInfoService,
    private readonly logger: LoggerService,
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (isKnotPermission(request.permission)) {
      if (!user) return { result: AuthorizeResult.DENY };
      const acting = await this.actingProfiles(
        await this.userInfo.getUserInfo(user.credentials),
      );
      return {
        result: acting.admin ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    }
    // Reading, refreshing, deleting: every action on an entity, so an entity
    // one may not see cannot be acted on either.
    if (!isResourcePermission(request.permission, 'catalog-entity')) {
      return { result: AuthorizeResult.DENY };
    }
    if (!user) return { result: AuthorizeResult.ALLOW };
    const acting = await this.actingProfiles(
      await this.userInfo.getUserInfo(user.credentials),
    );
    if (acting.admin) return { result: AuthorizeResult.ALLOW };
    return createCatalogConditionalDecision(request.permission, {
      anyOf: [
        {
          not: catalogConditions.hasAnnotation({
            annotation: CHART_PROFILE_ANNOTATION,
          }),
        },
        ...acting.profiles.map(profile =>
          catalogConditions.hasAnnotation({
            annotation: CHART_PROFILE_ANNOTATION,
            value: profile,
          }),
        ),
      ],
    });
  }

  /**
   * From Knot's user store; should it not answer, from the sign-in token's
   * ownership (the user and its teams' groups), without admin rights.
   */
  private async actingProfiles(
    info: BackstageUserInfo,
  ): Promise<ActingProfiles> {
    try {
      return await this.access.actingProfiles(info.userEntityRef);
    } catch (error) {
      this.logger.warn(
        `Knot did not say which profiles ${info.userEntityRef} may act as, using the sign-in token's: ${error}`,
      );
      const profiles = new Set<string>();
      for (const ref of [info.userEntityRef, ...info.ownershipEntityRefs]) {
        const { kind, name } = parseEntityRef(ref);
        if (['user', 'group'].includes(kind.toLocaleLowerCase('en-US'))) {
          profiles.add(name);
        }
      }
      return { admin: false, profiles: [...profiles] };
    }
  }
}

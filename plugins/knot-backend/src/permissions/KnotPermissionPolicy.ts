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
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { CHART_PROFILE_ANNOTATION } from '../services/profileChartTemplate';
import type { ActingProfiles, ProfileAccess } from '../profiles/ProfileAccess';

/**
 * Knot's permission policy: everything is allowed, except that the catalog
 * entities of a profile's private charts (annotated `knot/chart-profile`)
 * are only for users who may act as that profile — itself, its team's
 * members, admins. A condition, so the catalog filters its lists and
 * by-name reads in the database. Service-to-service requests never get
 * here (the permissions service allows them), so catalog processing, the
 * scaffolder and Knot's own modules see everything.
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
    // Reading, refreshing, deleting: every action on an entity, so an entity
    // one may not see cannot be acted on either.
    if (!user || !isResourcePermission(request.permission, 'catalog-entity')) {
      return { result: AuthorizeResult.ALLOW };
    }
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

import type {
  BackstageUserInfo,
  LoggerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { createCatalogConditionalDecision } from '@backstage/plugin-catalog-backend/alpha';
import {
  catalogEntityCreatePermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
  catalogLocationReadPermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  kubernetesClustersReadPermission,
  kubernetesProxyPermission,
  kubernetesResourcesReadPermission,
} from '@backstage/plugin-kubernetes-common';
import {
  AuthorizeResult,
  isPermission,
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
  createScaffolderTaskConditionalDecision,
  scaffolderTaskConditions,
} from '@backstage/plugin-scaffolder-backend/alpha';
import {
  AUDIENCE_RULE,
  EVERYONE_AUDIENCE,
  isKnotPermission,
  type ActingProfiles,
} from '@knot-platform/plugin-knot-common';
import type { ProfileAccess } from '@knot-platform/plugin-knot-node';

/**
 * Catalog permissions on locations and the registration of new entities:
 * an entity may carry Kubernetes annotations naming any namespace, and the
 * Kubernetes tab shows what they select, so only Knot admins may register
 * entities; a location names where an entity came from (a release
 * Component's, the profile's namespace, even for an entity one may not
 * see), so only they read and remove locations.
 */
const ENTITY_REGISTRATION_PERMISSIONS = [
  catalogLocationCreatePermission,
  catalogEntityCreatePermission,
  catalogLocationReadPermission,
  catalogLocationDeletePermission,
];

function isKubernetesPermission(permission: Permission): boolean {
  return [
    kubernetesProxyPermission,
    kubernetesResourcesReadPermission,
    kubernetesClustersReadPermission,
  ].some(k => isPermission(permission, k));
}

function isEntityRegistration(permission: Permission): boolean {
  return ENTITY_REGISTRATION_PERMISSIONS.some(p => isPermission(permission, p));
}

/**
 * Whether {@link KnotPermissionPolicy} decides a permission: Knot's own
 * (`knot.*`), those on catalog entities (private chart Templates, release
 * Components), locations and the registration of new entities, the
 * Kubernetes plugin's, and those on scaffolder tasks.
 *
 * @public
 */
export function isKnotPolicyPermission(permission: Permission): boolean {
  return (
    isKnotPermission(permission) ||
    isResourcePermission(permission, 'catalog-entity') ||
    isEntityRegistration(permission) ||
    isKubernetesPermission(permission) ||
    isResourcePermission(permission, 'scaffolder-task')
  );
}

/**
 * Knot's permission policy, a sub-policy an adopter's policy hands the
 * permissions of {@link isKnotPolicyPermission} to:
 *
 * - Knot's permissions (`knot.users.manage`, `knot.provisioning.manage`,
 *   `knot.profiles.impersonate`, ...) to Knot admins only;
 * - the catalog entities of a profile — its private charts' Templates
 *   (annotated `knot/chart-profile`) and its releases' Components
 *   (`knot/profile`) — only to users who may act as that profile: itself,
 *   its team's members, admins. A condition on the `knot/audience`
 *   annotation Knot's catalog module stamps on every entity (its rule
 *   `KNOT_AUDIENCE`, which that module installs in the catalog), so the
 *   catalog filters its lists, counts, facets and by-name reads in the
 *   database; an entity without that stamp is seen by admins only. Service-to-service requests
 *   never get here (the permissions service allows them), so catalog
 *   processing and the scaffolder see everything;
 * - registering entities and reading or removing locations to Knot admins
 *   only;
 * - a scaffolder task (reading it, its events, cancelling, retrying) to
 *   who started it and admins: its values are a profile's, and the task
 *   list shows only one's own;
 * - the Kubernetes plugin: its proxy (which acts with the portal's
 *   cluster-wide account) to Knot admins only; its resource and cluster
 *   reads to users, since they go through an entity the catalog shows only
 *   to who may act as its profile.
 *
 * A user whose Knot account is not active gets none of these. Any other
 * permission is denied: it was handed here by mistake.
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
    const { permission } = request;
    if (!isKnotPolicyPermission(permission)) {
      return { result: AuthorizeResult.DENY };
    }
    if (!user) {
      // Only catalog reads of calls without a user (e.g. a plugin's own
      // background work with a user-less token) are not Knot's concern.
      // (Requests of plugins themselves never get here: they are allowed.)
      return {
        result: isResourcePermission(permission, 'catalog-entity')
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      };
    }
    const acting = await this.actingProfiles(
      await this.userInfo.getUserInfo(user.credentials),
    );
    if (acting.active === false) return { result: AuthorizeResult.DENY };
    if (acting.admin) return { result: AuthorizeResult.ALLOW };
    if (
      isKnotPermission(permission) ||
      isEntityRegistration(permission) ||
      isPermission(permission, kubernetesProxyPermission)
    ) {
      return { result: AuthorizeResult.DENY };
    }
    if (isKubernetesPermission(permission)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (isResourcePermission(permission, 'scaffolder-task')) {
      return createScaffolderTaskConditionalDecision(
        permission,
        scaffolderTaskConditions.isTaskOwner({
          createdBy: [user.info.userEntityRef],
        }),
      );
    }
    // Reading, refreshing, deleting: every action on an entity, so an entity
    // one may not see cannot be acted on either.
    if (!isResourcePermission(permission, 'catalog-entity')) {
      return { result: AuthorizeResult.DENY };
    }
    // One condition on the audience Knot's catalog module stamps on every
    // entity: in the database a single lookup (a semi-join), where a
    // condition per profile annotation and acting profile cost one probe
    // per entity each. An entity not (yet) stamped is nobody's but admins'.
    return createCatalogConditionalDecision(permission, {
      rule: AUDIENCE_RULE,
      resourceType: 'catalog-entity',
      params: { audiences: [EVERYONE_AUDIENCE, ...acting.profiles] },
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

import type {
  ProvisioningAction,
  TeamRole,
} from '@knot-platform/plugin-knot-common';
import type { ProvisioningTarget } from '../provisioning/ProfileSource';
import type { RegistryPullCredentials } from '../provisioning/registryPullSecret';
import type { HarborProvisioningConfig } from './config';
import {
  HARBOR_ROLES,
  HarborClient,
  type HarborRobot,
  type HarborRobotPermission,
} from './HarborClient';
import { registryAcceptsLogin } from './registryLogin';

/**
 * A profile's side of Harbor: its private project `<profile>`, the
 * profile's people as members, and a robot account `knot-<profile>`
 * (Harbor prefixes it, `robot$knot-<profile>`) that may only pull, from
 * the profile's project and the public one. The robot's secret is what
 * the profile namespace's pull secret carries.
 *
 * Why a robot and not the user's CLI secret: a CLI secret belongs to the
 * person, exists only once they signed in to Harbor through OIDC, changes
 * when they regenerate it, and can push and delete wherever the person
 * can; a team has none. A robot is per profile, pull-only, and Knot can
 * rotate and disable it. Pull only: uploads go through Knot's image gateway
 * with its own account, so nothing in a namespace needs to push.
 */

/** The robot id the pull secret was made for (a robot made anew is another). */
export const HARBOR_ROBOT_ID_ANNOTATION = 'knot/harbor-robot-id';

/** The robot's credential as the pull secret holds it. */
export interface HarborPullCredential extends RegistryPullCredentials {
  robotId: number;
}

/** The robot of a profile, as created (Harbor adds its prefix). */
export function harborRobotName(profile: string): string {
  return `knot-${profile}`;
}

/** Pull, from the profile's own project and from the public one. */
export function harborRobotPermissions(
  profile: string,
  publicProject: string,
): HarborRobotPermission[] {
  return [...new Set([profile, publicProject])].map(namespace => ({
    kind: 'project',
    namespace,
    access: [{ resource: 'repository', action: 'pull' }],
  }));
}

/**
 * Team roles in Harbor: owners maintain (push, delete artifacts, no member
 * or project settings, which Knot manages), members push, viewers pull.
 */
const TEAM_ROLE_IDS: Record<TeamRole, number> = {
  owner: HARBOR_ROLES.maintainer,
  member: HARBOR_ROLES.developer,
  viewer: HARBOR_ROLES.guest,
};

/**
 * Who Knot makes a member of the profile's project, and with which role:
 * a user maintains their own; a team's members by their team role; nobody
 * while the profile is deactivated.
 */
export function harborMembers(target: ProvisioningTarget): Map<string, number> {
  if (!target.active) return new Map();
  if (!target.isTeam) return new Map([[target.name, HARBOR_ROLES.maintainer]]);
  return new Map(
    (target.members ?? []).map(m => [m.name, TEAM_ROLE_IDS[m.role]]),
  );
}

function permissionKeys(permissions: HarborRobotPermission[] | undefined) {
  return (permissions ?? [])
    .flatMap(p => p.access.map(a => `${p.namespace}:${a.resource}:${a.action}`))
    .sort()
    .join(',');
}

export class HarborProfileAccess {
  private readonly client: HarborClient;
  private readonly checkLogin: typeof registryAcceptsLogin;

  constructor(
    private readonly config: HarborProvisioningConfig,
    options?: {
      client?: HarborClient;
      checkLogin?: typeof registryAcceptsLogin;
    },
  ) {
    this.client =
      options?.client ?? new HarborClient({ url: config.url, ...config.api });
    this.checkLogin = options?.checkLogin ?? registryAcceptsLogin;
  }

  /**
   * Makes Harbor match the profile and returns the robot's credential for
   * the pull secret: the current one while Harbor still accepts it, else a
   * fresh secret. Undefined leaves the pull secret as it is (a deactivated
   * profile's robot is disabled, its secret kept for reactivation).
   */
  async reconcile(
    target: ProvisioningTarget,
    current: HarborPullCredential | undefined,
    actions: ProvisioningAction[],
  ): Promise<HarborPullCredential | undefined> {
    const profile = target.name;
    const act = (a: Omit<ProvisioningAction, 'profile'>) =>
      actions.push({ profile, ...a });
    let project = await this.client.getProject(profile);
    if (!project && target.active) {
      await this.client.createProject(profile);
      act({ kind: 'HarborProject', name: profile, action: 'created' });
      project = {};
    }
    if (project) await this.reconcileMembers(target, act);

    const robotName = harborRobotName(profile);
    const permissions = harborRobotPermissions(
      profile,
      this.config.publicProject,
    );
    const robot = await this.client.findSystemRobot(robotName);
    if (!robot) {
      if (!target.active) return undefined;
      const created = await this.client.createRobot({
        name: robotName,
        description: `Knot: pulls for the namespace of profile ${profile}`,
        permissions,
        disable: false,
      });
      act({ kind: 'HarborRobot', name: created.name, action: 'created' });
      return {
        server: this.config.pullHost,
        username: created.name,
        password: created.secret,
        robotId: created.id,
      };
    }
    const changes = [
      robot.disable !== !target.active &&
        (target.active ? 'enabled' : 'disabled: profile deactivated'),
      permissionKeys(robot.permissions) !== permissionKeys(permissions) &&
        'permissions',
      !!robot.expires_at &&
        robot.expires_at > 0 &&
        robot.expires_at * 1000 < Date.now() &&
        'expired, made permanent',
    ].filter((c): c is string => !!c);
    if (changes.length > 0) {
      const updated: HarborRobot = {
        ...robot,
        disable: !target.active,
        permissions,
        duration: -1,
      };
      await this.client.updateRobot(updated);
      act({
        kind: 'HarborRobot',
        name: robot.name!,
        action: 'updated',
        detail: changes.join(', '),
      });
    }
    if (!target.active) return undefined;
    const reason = await this.rotationReason(robot, current);
    if (!reason) return current;
    const secret = await this.client.refreshRobotSecret(robot);
    act({
      kind: 'HarborRobot',
      name: robot.name!,
      action: 'updated',
      detail: `secret refreshed: ${reason}`,
    });
    return {
      server: this.config.pullHost,
      username: robot.name!,
      password: secret,
      robotId: robot.id!,
    };
  }

  /**
   * A deleted profile: its robot is deleted and its people leave the
   * project. The project and its images stay (like the data on the
   * volumes): an admin deletes them in Harbor.
   */
  async remove(profile: string, actions: ProvisioningAction[]): Promise<void> {
    const robot = await this.client.findSystemRobot(harborRobotName(profile));
    if (robot) {
      await this.client.deleteRobot(robot);
      actions.push({
        profile,
        kind: 'HarborRobot',
        name: robot.name!,
        action: 'deleted',
      });
    }
    if (!(await this.client.getProject(profile))) return;
    const removed = await this.reconcileMembers(
      { name: profile, isTeam: false, active: false },
      a => actions.push({ profile, ...a }),
    );
    if (robot || removed) {
      actions.push({
        profile,
        kind: 'HarborProject',
        name: profile,
        action: 'kept',
        detail: 'its images stay in Harbor',
      });
    }
  }

  /**
   * Users in the project are Knot's to manage (Harbor groups and the API
   * account, the project's creator, are left alone): wanted ones added or
   * given their role, others removed. Returns whether anyone was removed.
   */
  private async reconcileMembers(
    target: ProvisioningTarget,
    act: (a: Omit<ProvisioningAction, 'profile'>) => void,
  ): Promise<boolean> {
    const project = target.name;
    const wanted = harborMembers(target);
    let removed = false;
    for (const member of await this.client.listMembers(project)) {
      const name = member.entity_name ?? '';
      if (member.entity_type !== 'u' || name === this.config.api.username) {
        continue;
      }
      const role = wanted.get(name);
      wanted.delete(name);
      if (role === undefined) {
        await this.client.removeMember(project, member.id!);
        removed = true;
        act({
          kind: 'HarborMember',
          name: `${project}/${name}`,
          action: 'deleted',
        });
      } else if (member.role_id !== role) {
        await this.client.setMemberRole(project, member.id!, role);
        act({
          kind: 'HarborMember',
          name: `${project}/${name}`,
          action: 'updated',
          detail: `role ${member.role_id} to ${role}`,
        });
      }
    }
    for (const [name, role] of wanted) {
      const added = await this.client.addMember(project, name, role);
      act({
        kind: 'HarborMember',
        name: `${project}/${name}`,
        action: added ? 'created' : 'waiting',
        detail: added
          ? undefined
          : 'not in Harbor yet: added once they have signed in to Harbor',
      });
    }
    return removed;
  }

  /** Why the pull secret's credential must be replaced, if it must. */
  private async rotationReason(
    robot: HarborRobot,
    current: HarborPullCredential | undefined,
  ): Promise<string | undefined> {
    if (!current) return 'no pull secret yet';
    if (current.robotId !== robot.id) return 'the robot account was made anew';
    if (current.username !== robot.name) return 'the robot account was renamed';
    if (current.server !== this.config.pullHost) return 'the pull host changed';
    const accepted = await this.checkLogin(this.config.url, current);
    if (accepted === false) return 'the registry refused the secret';
    return undefined;
  }
}

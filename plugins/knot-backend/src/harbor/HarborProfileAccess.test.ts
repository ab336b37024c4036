import type { ProvisioningAction } from '@knot-platform/plugin-knot-common';
import type { ProvisioningTarget } from '../provisioning/ProfileSource';
import { HARBOR_ROLES } from './HarborClient';
import {
  HarborProfileAccess,
  type HarborPullCredential,
} from './HarborProfileAccess';
import type { HarborProvisioningConfig } from './config';
import { registryAcceptsLogin } from './registryLogin';
import { startFakeHarbor, type FakeHarbor } from './__testUtils__/fakeHarbor';

// The fake checks every API request against Knot's description of
// Harbor's API (__testUtils__/harbor-api.yaml); its token service answers
// the registry login check. No Harbor server runs.
const admin = { username: 'admin', password: 'Harbor12345' };
const alice: ProvisioningTarget = {
  name: 'alice',
  isTeam: false,
  active: true,
};

describe('HarborProfileAccess', () => {
  let harbor: FakeHarbor;
  let config: HarborProvisioningConfig;
  let actions: ProvisioningAction[];
  const summary = () =>
    actions.map(
      a => `${a.action} ${a.kind} ${a.name}${a.detail ? ` (${a.detail})` : ''}`,
    );
  const access = (publicProject = 'library') =>
    new HarborProfileAccess({ ...config, publicProject });
  /** What the registry's token service grants these credentials. */
  const grants = async (
    c: { username: string; password: string },
    repo: string,
  ) => {
    const url = new URL(harbor.tokenAuth.realm);
    url.searchParams.set('service', harbor.tokenAuth.service);
    url.searchParams.set('scope', `repository:${repo}:pull,push`);
    const res = await fetch(url, {
      headers: {
        Authorization: `Basic ${Buffer.from(
          `${c.username}:${c.password}`,
        ).toString('base64')}`,
      },
    });
    if (res.status !== 200) return res.status;
    const { token } = (await res.json()) as { token: string };
    return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString())
      .access[0].actions;
  };

  beforeEach(async () => {
    harbor = await startFakeHarbor({ admin });
    harbor.users.add('alice');
    config = {
      url: harbor.url,
      pullHost: harbor.host,
      publicProject: 'library',
      api: admin,
    };
    actions = [];
  });
  afterEach(async () => {
    try {
      harbor.assertNoViolations();
    } finally {
      await harbor.stop();
    }
  });

  it('makes the private project, its member and a pull-only robot', async () => {
    const credential = (await access().reconcile(alice, undefined, actions))!;
    expect(summary()).toEqual([
      'created HarborProject alice',
      'created HarborMember alice/alice',
      'created HarborRobot robot$knot-alice',
    ]);
    expect(harbor.projects.get('alice')).toMatchObject({
      public: false,
      members: [
        { username: 'admin', role_id: HARBOR_ROLES.projectAdmin },
        { username: 'alice', role_id: HARBOR_ROLES.maintainer },
      ],
    });
    expect(credential).toMatchObject({
      server: harbor.host,
      username: 'robot$knot-alice',
    });
    // Pull only: from alice's project and the public one, nothing of bob's.
    expect(await grants(credential, 'alice/app')).toEqual(['pull']);
    expect(await grants(credential, 'library/base')).toEqual(['pull']);
    expect(await grants(credential, 'bob/app')).toEqual([]);
    expect(await registryAcceptsLogin(harbor.url, credential)).toBe(true);
  });

  it('changes nothing while the secret works', async () => {
    const first = (await access().reconcile(alice, undefined, actions))!;
    actions = [];
    const calls = harbor.calls.length;
    const again = await access().reconcile(alice, first, actions);
    expect(again).toEqual(first);
    expect(actions).toEqual([]);
    expect(
      harbor.calls.slice(calls).filter(c => !c.startsWith('GET ')),
    ).toEqual([]);
  });

  describe('rotation', () => {
    let first: HarborPullCredential;
    beforeEach(async () => {
      first = (await access().reconcile(alice, undefined, actions))!;
      actions = [];
    });
    const rotated = async (current: HarborPullCredential | undefined) => {
      const next = (await access().reconcile(alice, current, actions))!;
      expect(next.password).not.toBe(first.password);
      expect(await registryAcceptsLogin(harbor.url, next)).toBe(true);
      return next;
    };

    it('refreshes a secret the registry refuses (changed in Harbor by hand)', async () => {
      harbor.changeRobotSecret('robot$knot-alice');
      expect(await registryAcceptsLogin(harbor.url, first)).toBe(false);
      const next = await rotated(first);
      expect(next.robotId).toBe(first.robotId);
      expect(summary()).toEqual([
        'updated HarborRobot robot$knot-alice (secret refreshed: the registry refused the secret)',
      ]);
    });

    it('refreshes when the pull secret is gone', async () => {
      await rotated(undefined);
      expect(summary()).toEqual([
        'updated HarborRobot robot$knot-alice (secret refreshed: no pull secret yet)',
      ]);
    });

    it('refreshes when the secret was made for another robot of that name', async () => {
      await rotated({ ...first, robotId: first.robotId + 100 });
      expect(summary()[0]).toMatch(/the robot account was made anew/);
    });

    it('makes a deleted robot anew', async () => {
      harbor.robots.clear();
      const next = await rotated(first);
      expect(next.robotId).not.toBe(first.robotId);
      expect(summary()).toEqual(['created HarborRobot robot$knot-alice']);
    });

    it('keeps the secret when only the permissions change (another public project)', async () => {
      const next = await access('shared').reconcile(alice, first, actions);
      expect(next).toEqual(first);
      expect(summary()).toEqual([
        'updated HarborRobot robot$knot-alice (permissions)',
      ]);
      expect(await grants(first, 'shared/base')).toEqual(['pull']);
      expect(await grants(first, 'library/base')).toEqual([]);
    });

    it('keeps the secret when the registry cannot tell (unreachable)', async () => {
      const offline = new HarborProfileAccess(config, {
        checkLogin: async () => undefined,
      });
      harbor.changeRobotSecret('robot$knot-alice');
      expect(await offline.reconcile(alice, first, actions)).toEqual(first);
      expect(actions).toEqual([]);
    });
  });

  it('disables the robot and removes the member on deactivation, and undoes both', async () => {
    const first = (await access().reconcile(alice, undefined, actions))!;
    actions = [];
    expect(
      await access().reconcile({ ...alice, active: false }, first, actions),
    ).toBeUndefined();
    expect(summary()).toEqual([
      'deleted HarborMember alice/alice',
      'updated HarborRobot robot$knot-alice (disabled: profile deactivated)',
    ]);
    expect(await grants(first, 'alice/app')).toBe(401);
    // The project and its images stay.
    expect(harbor.projects.has('alice')).toBe(true);
    actions = [];
    expect(await access().reconcile(alice, first, actions)).toEqual(first);
    expect(summary()).toEqual([
      'created HarborMember alice/alice',
      'updated HarborRobot robot$knot-alice (enabled)',
    ]);
    expect(await grants(first, 'alice/app')).toEqual(['pull']);
  });

  it("gives a team's members their roles, waits for who never signed in to Harbor", async () => {
    harbor.users.add('bob');
    const team = (
      members: ProvisioningTarget['members'],
    ): ProvisioningTarget => ({
      name: 'lab',
      isTeam: true,
      active: true,
      members,
    });
    await access().reconcile(
      team([
        { name: 'alice', role: 'owner' },
        { name: 'bob', role: 'viewer' },
        { name: 'carol', role: 'member' },
      ]),
      undefined,
      actions,
    );
    expect(summary()).toContain(
      'waiting HarborMember lab/carol (not in Harbor yet: added once they have signed in to Harbor)',
    );
    const roles = () =>
      Object.fromEntries(
        harbor.projects.get('lab')!.members.map(m => [m.username, m.role_id]),
      );
    expect(roles()).toEqual({
      admin: HARBOR_ROLES.projectAdmin,
      alice: HARBOR_ROLES.maintainer,
      bob: HARBOR_ROLES.guest,
    });
    // Bob promoted, alice left the team; a user added by hand goes too.
    harbor.users.add('mallory');
    harbor.projects
      .get('lab')!
      .members.push({ id: 999, username: 'mallory', role_id: 1 });
    actions = [];
    await access().reconcile(
      team([{ name: 'bob', role: 'member' }]),
      undefined,
      actions,
    );
    expect(roles()).toEqual({
      admin: HARBOR_ROLES.projectAdmin,
      bob: HARBOR_ROLES.developer,
    });
  });

  it('deletes the robot and the members of a deleted profile, keeps the project', async () => {
    const first = (await access().reconcile(alice, undefined, actions))!;
    actions = [];
    await access().remove('alice', actions);
    expect(summary()).toEqual([
      'deleted HarborRobot robot$knot-alice',
      'deleted HarborMember alice/alice',
      'kept HarborProject alice (its images stay in Harbor)',
    ]);
    expect(await grants(first, 'alice/app')).toBe(401);
    actions = [];
    await access().remove('alice', actions);
    expect(actions).toEqual([]);
  });
});

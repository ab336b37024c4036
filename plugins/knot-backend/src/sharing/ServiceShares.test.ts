import {
  createTestDatabases,
  seedKnotUsers,
} from '@knot-platform/knot-test-utils';
import { KnotAdmins } from '../identity/KnotAdmins';
import { UserStore } from '../identity/UserStore';
import { StoreProfileAccess } from '../profiles/StoreProfileAccess';
import { ServiceShareAccess } from './ServiceShareAccess';
import { ServiceShares } from './ServiceShares';

const databases = createTestDatabases();

jest.setTimeout(60_000);

const hour = 3_600_000;

describe.each(databases.eachSupportedId())(
  'service shares on %p',
  databaseId => {
    /**
     * alice and bob, carol and dave; team t (owner tom, viewer vic), team
     * lab (members carol and dave); clock at `now`.
     */
    async function setup() {
      const knex = await databases.init(databaseId);
      const store = await UserStore.create({
        database: { getClient: async () => knex },
      });
      await seedKnotUsers(knex, {
        users: ['alice', 'bob', 'carol', 'dave', 'tom', 'vic', 'erin'],
        teams: { t: ['tom', 'vic'], lab: ['carol', 'dave'] },
      });
      await knex('knot_team_members')
        .where({ team: 't', member: 'tom' })
        .update({ role: 'owner' });
      await knex('knot_team_members')
        .where({ team: 't', member: 'vic' })
        .update({ role: 'viewer' });
      const clock = { now: new Date('2026-12-02T12:00:00Z') };
      const shares = new ServiceShares(knex, store, () => clock.now);
      const access = new ServiceShareAccess(
        shares,
        store,
        new StoreProfileAccess(store, new KnotAdmins(store, [])),
      );
      return { knex, store, shares, access, clock };
    }

    it('shares with a user until revoked; the grantee is admitted to that service only', async () => {
      const { shares, access } = await setup();
      expect(await access.admits('bob', 'alice', 'lab')).toBe(false);
      const share = await shares.add({
        owner: 'alice',
        service: 'lab',
        grantee: 'bob',
        createdBy: 'alice',
      });
      expect(share).toEqual({
        service: 'lab',
        grantee: 'bob',
        granteeKind: 'user',
        createdBy: 'alice',
        createdAt: '2026-12-02T12:00:00.000Z',
        expiresAt: undefined,
      });
      expect(await shares.list('alice', 'lab')).toEqual([share]);
      expect(await access.admits('bob', 'alice', 'lab')).toBe(true);
      // Another release of alice, the same release name of another owner,
      // another user: not shared.
      expect(await access.admits('bob', 'alice', 'other')).toBe(false);
      expect(await access.admits('bob', 'carol', 'lab')).toBe(false);
      expect(await access.admits('dave', 'alice', 'lab')).toBe(false);
      // tom's own `lab`, shared with bob, opens not the `lab` of team t,
      // which tom may manage too.
      await shares.add({
        owner: 'tom',
        service: 'lab',
        grantee: 'bob',
        createdBy: 'tom',
      });
      expect(await access.admits('bob', 'tom', 'lab')).toBe(true);
      expect(await access.admits('bob', 't', 'lab')).toBe(false);

      await shares.revoke('alice', 'lab', 'bob');
      expect(await access.admits('bob', 'alice', 'lab')).toBe(false);
      expect(await shares.list('alice', 'lab')).toEqual([]);
      await expect(shares.revoke('alice', 'lab', 'bob')).rejects.toMatchObject({
        name: 'NotFoundError',
      });
    });

    it('refuses unknown grantees, the owner itself, past or malformed expiries (400) and duplicates (409)', async () => {
      const { shares, knex } = await setup();
      const add = (grantee: unknown, expiresAt?: unknown) =>
        shares.add({
          owner: 'alice',
          service: 'lab',
          grantee,
          createdBy: 'alice',
          expiresAt,
        });
      await knex('knot_users').insert({
        username: 'pending',
        active: false,
        admin: false,
        is_team: false,
        created_at: new Date(),
        updated_at: new Date(),
      });
      for (const [grantee, message] of [
        ['nobody', "There is no active user or team named 'nobody'"],
        ['pending', "There is no active user or team named 'pending'"],
        ['Bad Name!', "There is no active user or team named 'Bad Name!'"],
        ['', 'grantee is required: the user or team to share with'],
        [{ x: 1 }, 'grantee is required: the user or team to share with'],
        ['alice', "'alice' owns this service already"],
      ] as const) {
        await expect(add(grantee)).rejects.toMatchObject({
          name: 'InputError',
          message,
        });
      }
      await expect(add('bob', '2026-12-02T11:59:59Z')).rejects.toMatchObject({
        name: 'InputError',
        message:
          'The expiry 2026-12-02T11:59:59.000Z has already passed: choose a later time',
      });
      await expect(add('bob', 'tomorrow')).rejects.toMatchObject({
        name: 'InputError',
        message: 'expiresAt must be a date and time, e.g. 2026-12-31T18:00:00Z',
      });
      await expect(add('bob', 5)).rejects.toMatchObject({ name: 'InputError' });
      // Nothing was written by a refusal.
      expect(await shares.list('alice', 'lab')).toEqual([]);

      await add('bob');
      await expect(add('bob')).rejects.toMatchObject({
        name: 'ConflictError',
        message:
          "lab is already shared with 'bob': revoke that share to change it",
      });
      expect(await shares.list('alice', 'lab')).toHaveLength(1);
    });

    it('expires: admitted until the expiry, not after', async () => {
      const { shares, access, clock } = await setup();
      await shares.add({
        owner: 'alice',
        service: 'lab',
        grantee: 'bob',
        createdBy: 'alice',
        expiresAt: new Date(clock.now.getTime() + hour).toISOString(),
      });
      expect((await shares.list('alice', 'lab'))[0].expiresAt).toBe(
        '2026-12-02T13:00:00.000Z',
      );
      clock.now = new Date(clock.now.getTime() + hour - 1_000);
      expect(await access.admits('bob', 'alice', 'lab')).toBe(true);
      clock.now = new Date(clock.now.getTime() + 1_000);
      expect(await access.admits('bob', 'alice', 'lab')).toBe(false);
      expect(await shares.grantsFor('bob')).toEqual([]);
      // The owner still sees the ended share, to renew or remove it.
      expect(await shares.list('alice', 'lab')).toHaveLength(1);
    });

    it('a team share admits each member while they are members', async () => {
      const { shares, access, store, knex } = await setup();
      const share = await shares.add({
        owner: 'alice',
        service: 'lab',
        grantee: 'lab',
        createdBy: 'alice',
      });
      expect(share.granteeKind).toBe('team');
      expect(await access.admits('carol', 'alice', 'lab')).toBe(true);
      expect(await access.admits('dave', 'alice', 'lab')).toBe(true);
      expect(await access.admits('bob', 'alice', 'lab')).toBe(false);
      expect(await shares.grantsFor('dave')).toMatchObject([
        { owner: 'alice', service: 'lab', grantee: 'lab', granteeIsTeam: true },
      ]);
      // dave leaves the team: the share no longer lets him in.
      await store.removeMember('lab', 'dave', { keepAnOwner: false });
      expect(await access.admits('dave', 'alice', 'lab')).toBe(false);
      expect(await access.admits('carol', 'alice', 'lab')).toBe(true);
      // A deactivated team's share lets nobody in.
      await knex('knot_users')
        .where({ username: 'lab' })
        .update({ active: false });
      expect(await access.admits('carol', 'alice', 'lab')).toBe(false);
    });

    it('honours a share only while its creator may manage the owner’s services', async () => {
      const { shares, access, store } = await setup();
      // Written past the route (which refuses a viewer): vic is a viewer of t.
      await shares.add({
        owner: 't',
        service: 'app',
        grantee: 'bob',
        createdBy: 'vic',
      });
      expect(await access.admits('bob', 't', 'app')).toBe(false);
      // A share by someone outside the owner profile.
      await shares.add({
        owner: 't',
        service: 'app',
        grantee: 'carol',
        createdBy: 'erin',
      });
      expect(await access.admits('carol', 't', 'app')).toBe(false);
      // tom (owner of t) shares; tom later leaves t: the share stops working.
      await shares.add({
        owner: 't',
        service: 'web',
        grantee: 'dave',
        createdBy: 'tom',
      });
      expect(await access.admits('dave', 't', 'web')).toBe(true);
      await store.removeMember('t', 'tom', { keepAnOwner: false });
      expect(await access.admits('dave', 't', 'web')).toBe(false);
    });

    it('admits no deactivated grantee, and a deleted profile takes its shares along', async () => {
      const { shares, access, store } = await setup();
      await shares.add({
        owner: 'alice',
        service: 'lab',
        grantee: 'bob',
        createdBy: 'alice',
      });
      await shares.add({
        owner: 'carol',
        service: 'nb',
        grantee: 'alice',
        createdBy: 'carol',
      });
      await store.setActive('bob', false);
      expect(await access.admits('bob', 'alice', 'lab')).toBe(false);
      await store.setActive('bob', true);
      expect(await access.admits('bob', 'alice', 'lab')).toBe(true);
      await store.deleteProfile('alice');
      expect(await shares.list('alice', 'lab')).toEqual([]);
      expect(await shares.list('carol', 'nb')).toEqual([]);
    });
  },
);

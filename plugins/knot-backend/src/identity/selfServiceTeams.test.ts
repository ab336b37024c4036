import { createTestDatabases } from '@knot-platform/knot-test-utils';
import request from 'supertest';
import { as, startIdentityBackend } from './__testUtils__/identityBackend';

const databases = createTestDatabases();

jest.setTimeout(60_000);

describe.each(databases.eachSupportedId())(
  'self-service teams on %p',
  databaseId => {
    async function start(teams?: { creationNeedsApproval: boolean }) {
      process.env.KNOT_TEST_ADMIN_PASSWORD = 'admin password';
      const backend = await startIdentityBackend(databases, databaseId, {
        config: {
          knot: {
            identity: {
              admin: {
                username: 'root',
                passwordEnv: 'KNOT_TEST_ADMIN_PASSWORD',
              },
            },
            ...(teams ? { teams } : {}),
          },
        },
        users: ['alice', 'bob', 'carol', 'mallory'],
      });
      const { server } = backend;
      const call = (user: string) => ({
        get: (path: string) =>
          request(server)
            .get(`/api/knot${path}`)
            .set('Authorization', as(user)),
        post: (path: string, body: object = {}) =>
          request(server)
            .post(`/api/knot${path}`)
            .set('Authorization', as(user))
            .send(body),
        put: (path: string, body: object) =>
          request(server)
            .put(`/api/knot${path}`)
            .set('Authorization', as(user))
            .send(body),
        delete: (path: string) =>
          request(server)
            .delete(`/api/knot${path}`)
            .set('Authorization', as(user)),
      });
      return { ...backend, call };
    }

    /** alice's team `proj`, with bob as a member (invited, accepted). */
    async function withTeam() {
      const backend = await start();
      const { call } = backend;
      expect(
        (await call('alice').post('/me/teams', { name: 'proj' })).status,
      ).toBe(201);
      expect(
        (
          await call('alice').post('/me/teams/proj/invitations', {
            username: 'bob',
            role: 'member',
          })
        ).status,
      ).toBe(201);
      expect(
        (await call('bob').post('/me/invitations/proj/accept')).status,
      ).toBe(204);
      return backend;
    }

    it('lets a user create a team, invite, and the invitee accept', async () => {
      const { call } = await start();
      const created = await call('alice').post('/me/teams', { name: 'proj' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'proj',
        members: ['alice'],
        roles: { alice: 'owner' },
        active: true,
      });

      const invited = await call('alice').post('/me/teams/proj/invitations', {
        username: 'bob',
        role: 'member',
      });
      expect(invited.status).toBe(201);
      // Not a member until bob accepts.
      expect((await call('bob').get('/me')).body.teams).toEqual([]);
      const invitations = await call('bob').get('/me/invitations');
      expect(invitations.body.items).toMatchObject([
        { team: 'proj', invitee: 'bob', role: 'member', invitedBy: 'alice' },
      ]);

      expect(
        (await call('bob').post('/me/invitations/proj/accept')).status,
      ).toBe(204);
      // /me is what the OIDC `groups` claim and the profile switcher read.
      expect((await call('bob').get('/me')).body.teams).toEqual(['proj']);
      expect((await call('bob').get('/me/invitations')).body.items).toEqual([]);
      const mine = await call('alice').get('/me/teams');
      expect(mine.body.items).toMatchObject([
        {
          name: 'proj',
          role: 'owner',
          members: [
            { username: 'alice', role: 'owner', active: true },
            { username: 'bob', role: 'member', active: true },
          ],
          access: [
            { username: 'alice', portal: 'full', namespaceRole: 'edit' },
            { username: 'bob', portal: 'full', namespaceRole: 'edit' },
          ],
        },
      ]);
      // bob acts as the team now.
      const profile = await call('bob')
        .get('/profile')
        .set('x-knot-profile', 'proj');
      expect(profile.status).toBe(200);
    });

    it('lets an invitee decline, and nobody accept an invitation addressed to someone else', async () => {
      const { call } = await start();
      await call('alice').post('/me/teams', { name: 'proj' });
      await call('alice').post('/me/teams/proj/invitations', {
        username: 'carol',
        role: 'member',
      });
      const stolen = await call('mallory').post('/me/invitations/proj/accept');
      expect(stolen.status).toBe(404);
      expect(stolen.body.error.message).toBe(
        "You have no invitation to team 'proj'",
      );
      expect((await call('mallory').get('/me')).body.teams).toEqual([]);
      expect(
        (await call('carol').post('/me/invitations/proj/decline')).status,
      ).toBe(204);
      expect(
        (await call('carol').post('/me/invitations/proj/accept')).status,
      ).toBe(404);
      expect((await call('carol').get('/me')).body.teams).toEqual([]);
    });

    it('refuses owner actions to members and outsiders (403)', async () => {
      const { call } = await withTeam();
      const attempts = {
        'bob invites': await call('bob').post('/me/teams/proj/invitations', {
          username: 'mallory',
          role: 'owner',
        }),
        'bob removes alice': await call('bob').delete(
          '/me/teams/proj/members/alice',
        ),
        'bob makes himself owner': await call('bob').put(
          '/me/teams/proj/members/bob/role',
          { role: 'owner' },
        ),
        'bob takes the ownership': await call('bob').post(
          '/me/teams/proj/transfer',
          { username: 'bob' },
        ),
        'mallory invites herself': await call('mallory').post(
          '/me/teams/proj/invitations',
          { username: 'mallory', role: 'owner' },
        ),
        'mallory removes bob': await call('mallory').delete(
          '/me/teams/proj/members/bob',
        ),
        'mallory changes a role': await call('mallory').put(
          '/me/teams/proj/members/bob/role',
          { role: 'viewer' },
        ),
      };
      expect(
        Object.fromEntries(
          Object.entries(attempts).map(([what, r]) => [what, r.status]),
        ),
      ).toEqual(Object.fromEntries(Object.keys(attempts).map(k => [k, 403])));
      expect(attempts['bob invites'].body.error.message).toBe(
        "Only an owner of team 'proj' may do this",
      );
      expect((await call('mallory').get('/me/invitations')).body.items).toEqual(
        [],
      );
      const team = (await call('alice').get('/me/teams')).body.items[0];
      expect(team.members).toMatchObject([
        { username: 'alice', role: 'owner' },
        { username: 'bob', role: 'member' },
      ]);
    });

    it('refuses team names of users, teams and reserved names', async () => {
      const { call } = await withTeam();
      const taken = await call('carol').post('/me/teams', { name: 'bob' });
      expect(taken.status).toBe(409);
      expect(taken.body.error.message).toBe("The name 'bob' is already taken");
      expect(
        (await call('carol').post('/me/teams', { name: 'proj' })).status,
      ).toBe(409);
      const reserved = await call('carol').post('/me/teams', { name: 'admin' });
      expect(reserved.status).toBe(400);
      expect(reserved.body.error.message).toMatch(/reserved/);
      expect(
        (await call('carol').post('/me/teams', { name: 'knot-system' })).status,
      ).toBe(400);
      expect(
        (await call('carol').post('/me/teams', { name: 'No!' })).status,
      ).toBe(400);
      expect((await call('carol').get('/me/teams')).body.items).toEqual([]);
    });

    it('lets nobody in on an invitation whose sender no longer manages the team', async () => {
      const { call } = await withTeam();
      expect(
        (
          await call('alice').post('/me/teams/proj/invitations', {
            username: 'carol',
            role: 'owner',
          })
        ).status,
      ).toBe(201);
      // alice hands the team to bob: she is a member now.
      expect(
        (
          await call('alice').post('/me/teams/proj/transfer', {
            username: 'bob',
          })
        ).status,
      ).toBe(204);
      const accepted = await call('carol').post('/me/invitations/proj/accept');
      expect(accepted.status).toBe(403);
      expect(accepted.body.error.message).toBe(
        "Your invitation to team 'proj' no longer holds: 'alice', who sent it, no longer manages the team. Ask an owner to invite you again.",
      );
      expect((await call('carol').get('/me')).body.teams).toEqual([]);
      // Invited again by an owner: in, with that invitation's role.
      await call('bob').post('/me/teams/proj/invitations', {
        username: 'carol',
        role: 'member',
      });
      expect(
        (await call('carol').post('/me/invitations/proj/accept')).status,
      ).toBe(204);
    });

    it('keeps an owner when two owners leave at once: one goes, the other is refused', async () => {
      const { call } = await withTeam();
      expect(
        (
          await call('alice').put('/me/teams/proj/members/bob/role', {
            role: 'owner',
          })
        ).status,
      ).toBe(204);
      const left = await Promise.all([
        call('alice').post('/me/teams/proj/leave'),
        call('bob').post('/me/teams/proj/leave'),
      ]);
      expect(left.map(r => r.status).sort()).toEqual([204, 409]);
      const stayed = left[0].status === 409 ? 'alice' : 'bob';
      expect((await call(stayed).get('/me/teams')).body.items[0]).toMatchObject(
        {
          members: [{ username: stayed, role: 'owner' }],
        },
      );
    });

    it('keeps an owner: the last owner transfers before leaving', async () => {
      const { call } = await withTeam();
      const leave = await call('alice').post('/me/teams/proj/leave');
      expect(leave.status).toBe(409);
      expect(leave.body.error.message).toBe(
        "Team 'proj' needs an owner: make another member owner (transfer the ownership) first",
      );
      expect(
        (await call('alice').delete('/me/teams/proj/members/alice')).status,
      ).toBe(409);
      expect(
        (
          await call('alice').put('/me/teams/proj/members/alice/role', {
            role: 'member',
          })
        ).status,
      ).toBe(409);

      expect(
        (
          await call('alice').post('/me/teams/proj/transfer', {
            username: 'bob',
          })
        ).status,
      ).toBe(204);
      expect(
        (await call('alice').get('/me/teams')).body.items[0],
      ).toMatchObject({
        role: 'member',
        members: [
          { username: 'alice', role: 'member' },
          { username: 'bob', role: 'owner' },
        ],
      });
      expect((await call('alice').post('/me/teams/proj/leave')).status).toBe(
        204,
      );
      // Leaving again: not a member any more.
      expect((await call('alice').post('/me/teams/proj/leave')).status).toBe(
        404,
      );
      expect((await call('alice').get('/me')).body.teams).toEqual([]);
      // Gone from the team: no longer acts as it.
      const refused = await call('alice')
        .get('/profile')
        .set('x-knot-profile', 'proj');
      expect(refused.status).toBe(403);
      // The owner removes a member the same way.
      await call('bob').post('/me/teams/proj/invitations', {
        username: 'carol',
        role: 'member',
      });
      await call('carol').post('/me/invitations/proj/accept');
      expect(
        (await call('bob').delete('/me/teams/proj/members/carol')).status,
      ).toBe(204);
      expect((await call('carol').get('/me')).body.teams).toEqual([]);
    });

    it('lets a viewer look as the team but not change anything (403)', async () => {
      const { call } = await withTeam();
      await call('alice').post('/me/teams/proj/invitations', {
        username: 'carol',
        role: 'viewer',
      });
      await call('carol').post('/me/invitations/proj/accept');
      const asTeam = (r: request.Test) => r.set('x-knot-profile', 'proj');
      expect((await asTeam(call('carol').get('/profile'))).status).toBe(200);
      const writes = {
        deploy: await asTeam(
          call('carol').post('/services', { name: 'x', chart: 'y' }),
        ),
        delete: await asTeam(call('carol').delete('/services/x')),
        values: await asTeam(call('carol').put('/services/x/values', {})),
        'file write': await asTeam(
          call('carol').put('/files/private/file?path=a.txt', {}),
        ),
        mkdir: await asTeam(
          call('carol').post('/files/private/mkdir?path=a', {}),
        ),
        'dataset delete': await asTeam(call('carol').delete('/datasets/d')),
      };
      expect(
        Object.fromEntries(
          Object.entries(writes).map(([what, r]) => [what, r.status]),
        ),
      ).toEqual(Object.fromEntries(Object.keys(writes).map(k => [k, 403])));
      expect(writes.deploy.body.error.message).toBe(
        "You may not act as profile 'proj': As a viewer of team 'proj' you may look, but not deploy, delete or change files",
      );
      // A member's write passes the profile check (then fails on its body).
      const memberDeploy = await asTeam(call('bob').post('/services', {}));
      expect(memberDeploy.status).not.toBe(403);
      // The access list says the same.
      const team = (await call('carol').get('/me/teams')).body.items[0];
      expect(team.invitations).toEqual([]); // owners only
      expect(team.access).toContainEqual({
        username: 'carol',
        role: 'viewer',
        portal: 'read-only',
        namespaceRole: 'view',
      });
    });

    it('flags a team whose only owner was deactivated to admins', async () => {
      const { call, server } = await withTeam();
      expect(
        (await call('root').get('/teams')).body.items.find(
          (t: { name: string }) => t.name === 'proj',
        ),
      ).toMatchObject({ ownerless: false });
      await request(server)
        .patch('/api/knot/users/alice')
        .set('Authorization', as('root'))
        .send({ active: false });
      expect(
        (await call('root').get('/teams')).body.items.find(
          (t: { name: string }) => t.name === 'proj',
        ),
      ).toMatchObject({
        ownerless: true,
        roles: { alice: 'owner', bob: 'member' },
      });
    });

    it('keeps a new team waiting for an admin when creation needs approval', async () => {
      const { call, server } = await start({ creationNeedsApproval: true });
      const created = await call('alice').post('/me/teams', { name: 'proj' });
      expect(created.body).toMatchObject({ name: 'proj', active: false });
      expect(
        (await call('alice').get('/profile').set('x-knot-profile', 'proj'))
          .status,
      ).toBe(403);
      const approved = await request(server)
        .patch('/api/knot/teams/proj')
        .set('Authorization', as('root'))
        .send({ active: true });
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({ active: true });
      expect(
        (await call('alice').get('/profile').set('x-knot-profile', 'proj'))
          .status,
      ).toBe(200);
    });
  },
);

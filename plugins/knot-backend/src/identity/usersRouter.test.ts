import { mockCredentials } from '@backstage/backend-test-utils';
import { createTestDatabases } from '@knot-platform/knot-test-utils';
import request from 'supertest';
import { as, startIdentityBackend } from './__testUtils__/identityBackend';
import { IDENTITY_ROUTES } from './__testUtils__/identityRoutes';

const databases = createTestDatabases();

jest.setTimeout(60_000);

describe.each(databases.eachSupportedId())('users API on %p', databaseId => {
  async function start() {
    process.env.KNOT_TEST_ADMIN_PASSWORD = 'admin password';
    // Two users: alice active, bob waiting for approval.
    return startIdentityBackend(databases, databaseId, {
      config: {
        knot: {
          identity: {
            admin: {
              username: 'root',
              passwordEnv: 'KNOT_TEST_ADMIN_PASSWORD',
            },
          },
        },
      },
      users: ['alice'],
      pending: ['bob'],
    });
  }

  it('refuses unauthenticated requests on every route', async () => {
    const { server } = await start();
    for (const [method, path] of IDENTITY_ROUTES) {
      const response = await request(server)
        [method](path)
        .set('Authorization', mockCredentials.none.header());
      expect({ method, path, status: response.status }).toEqual({
        method,
        path,
        status: 401,
      });
    }
  });

  it('lets the configured first admin approve a user', async () => {
    const { server, store } = await start();
    const list = await request(server)
      .get('/api/knot/users')
      .set('Authorization', as('root'));
    expect(list.status).toBe(200);
    expect(
      list.body.items.map((u: { username: string }) => u.username),
    ).toEqual(['alice', 'bob', 'root']);
    expect(JSON.stringify(list.body)).not.toMatch(/scrypt|password/);

    const approve = await request(server)
      .patch('/api/knot/users/bob')
      .set('Authorization', as('root'))
      .send({ active: true });
    expect(approve.status).toBe(200);
    expect(approve.body).toMatchObject({ username: 'bob', active: true });
    await expect(
      store.authenticate('bob', 'bob password'),
    ).resolves.toMatchObject({
      ok: true,
    });
  });

  it('refuses admin routes to non-admins with 403', async () => {
    const { server } = await start();
    const responses = await Promise.all([
      request(server).get('/api/knot/users').set('Authorization', as('alice')),
      request(server)
        .patch('/api/knot/users/bob')
        .set('Authorization', as('alice'))
        .send({ active: true }),
      request(server).get('/api/knot/teams').set('Authorization', as('alice')),
      request(server)
        .post('/api/knot/teams')
        .set('Authorization', as('alice'))
        .send({ name: 'mine' }),
    ]);
    expect(responses.map(r => r.status)).toEqual([403, 403, 403, 403]);
    expect(responses[0].body.error.message).toBe(
      'Only Knot admins may do this',
    );
  });

  it('validates inputs with clear 400 messages', async () => {
    const { server } = await start();
    const cases = [
      [
        request(server).patch('/api/knot/users/bob').send({ active: 'yes' }),
        "'active' must be true or false",
      ],
      [
        request(server).patch('/api/knot/users/bob').send({}),
        "Send 'active' and/or 'admin' (true or false)",
      ],
      [
        request(server).post('/api/knot/teams').send({ name: 'Bad_Name' }),
        "'Bad_Name' is not a valid name: use 1-32 lower-case letters, digits and '-', starting with a letter and not ending with '-'",
      ],
      [
        request(server)
          .post('/api/knot/teams')
          .send({ name: 'ok', members: 'alice' }),
        "'members' must be a list of usernames",
      ],
      [
        request(server).delete('/api/knot/users/root'),
        'You cannot delete yourself',
      ],
    ] as const;
    for (const [req, message] of cases) {
      const response = await req.set('Authorization', as('root'));
      expect(response.status).toBe(400);
      expect(response.body.error.message).toBe(message);
    }
    const missing = await request(server)
      .patch('/api/knot/users/nobody')
      .set('Authorization', as('root'))
      .send({ active: true });
    expect(missing.status).toBe(404);
  });

  it('manages teams and resolves the acting profile', async () => {
    const { server } = await start();
    const created = await request(server)
      .post('/api/knot/teams')
      .set('Authorization', as('root'))
      .send({ name: 'vision', members: ['alice'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'vision', members: ['alice'] });

    const me = await request(server)
      .get('/api/knot/me')
      .set('Authorization', as('alice'));
    expect(me.body).toMatchObject({
      username: 'alice',
      admin: false,
      teams: ['vision'],
      profiles: ['alice', 'vision'],
    });

    const profile = (user: string, header?: string) => {
      const r = request(server)
        .get('/api/knot/profile')
        .set('Authorization', as(user));
      return header ? r.set('x-knot-profile', header) : r;
    };
    // Self, own team: allowed.
    expect((await profile('alice')).body).toEqual({
      name: 'alice',
      actor: 'alice',
      namespace: 'knot-alice',
    });
    expect((await profile('alice', 'vision')).body).toEqual({
      name: 'vision',
      actor: 'alice',
      namespace: 'knot-vision',
    });
    // Another user or a team one is not in: 403; bad header: 400.
    expect((await profile('alice', 'root')).status).toBe(403);
    expect((await profile('bob', 'vision')).status).toBe(403);
    expect((await profile('alice', 'NOT valid')).status).toBe(400);
    // Admins impersonate any active user.
    expect((await profile('root', 'alice')).body).toMatchObject({
      name: 'alice',
      actor: 'root',
    });
    // A deactivated user can act as nobody.
    await request(server)
      .patch('/api/knot/users/alice')
      .set('Authorization', as('root'))
      .send({ active: false });
    expect((await profile('alice')).status).toBe(403);

    // Membership removal and team deletion.
    const removed = await request(server)
      .delete('/api/knot/teams/vision/members/alice')
      .set('Authorization', as('root'));
    expect(removed.body.members).toEqual([]);
    expect(
      (
        await request(server)
          .delete('/api/knot/teams/vision')
          .set('Authorization', as('root'))
      ).status,
    ).toBe(204);
  });

  it('changes the own password', async () => {
    const { server, store } = await start();
    const wrong = await request(server)
      .post('/api/knot/me/password')
      .set('Authorization', as('alice'))
      .send({
        currentPassword: 'nope nope',
        newPassword: 'brand new password',
      });
    expect(wrong.status).toBe(400);
    const ok = await request(server)
      .post('/api/knot/me/password')
      .set('Authorization', as('alice'))
      .send({
        currentPassword: 'alice password',
        newPassword: 'brand new password',
      });
    expect(ok.status).toBe(204);
    await expect(
      store.authenticate('alice', 'brand new password'),
    ).resolves.toMatchObject({
      ok: true,
    });
  });
});

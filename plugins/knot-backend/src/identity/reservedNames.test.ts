import {
  createTestDatabases,
  seedKnotUsers,
} from '@knot-platform/knot-test-utils';
import request from 'supertest';
import { as, startIdentityBackend } from './__testUtils__/identityBackend';
import { hashPassword } from './passwords';

const databases = createTestDatabases();

jest.setTimeout(60_000);

/** Names with a meaning to Knot or Kubernetes, none of them a user's. */
const RESERVED = [
  'guest',
  'admin',
  'administrator',
  'root',
  'default',
  'system',
  'kube-system',
  'kube-public',
  'kube-anything',
  'knot',
  'knot-system',
  'webhook',
];

describe.each(databases.eachSupportedId())('reserved names on %p', id => {
  // The development config: the guest, outside the store, is an admin.
  const start = () =>
    startIdentityBackend(databases, id, {
      config: { knot: { identity: { admins: ['guest'] } } },
    });

  it('are refused at sign-up and as team names, with a clear message', async () => {
    const { knex, server, store } = await start();
    for (const username of RESERVED) {
      await expect(
        store.signUp({ username, password: 'long enough' }),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: `The name '${username}' is reserved, please choose another one`,
      });
    }
    await seedKnotUsers(knex, { admins: ['dana'] });
    for (const name of ['kube-system', 'default', 'guest', 'system']) {
      const res = await request(server)
        .post('/api/knot/teams')
        .set('Authorization', as('dana'))
        .send({ name });
      expect({ name, status: res.status }).toEqual({ name, status: 400 });
      expect(res.body.error.message).toMatch(/is reserved/);
    }
    // The first admin may not be the guest either.
    await expect(store.ensureAdmin('guest', 'long enough')).rejects.toThrow(
      /development guest/,
    );
  });

  it('give a store account named guest no admin rights and no sign-in', async () => {
    const { knex, server, store } = await start();
    // Signed up as guest and approved before the name was reserved.
    await seedKnotUsers(knex, { users: ['guest'] });
    await knex('knot_users')
      .where({ username: 'guest' })
      .update({ password_hash: await hashPassword('guest password') });

    const users = await request(server)
      .get('/api/knot/users')
      .set('Authorization', as('guest'));
    expect(users.status).toBe(403);
    const me = await request(server)
      .get('/api/knot/me')
      .set('Authorization', as('guest'));
    expect(me.body.admin).toBe(false);
    expect(await store.authenticate('guest', 'guest password')).toEqual({
      ok: false,
      reason: 'invalid-credentials',
    });
  });

  it('leave the development guest, outside the store, its listed rights', async () => {
    const { server } = await start();
    const users = await request(server)
      .get('/api/knot/users')
      .set('Authorization', as('guest'));
    expect(users.status).toBe(200);
  });
});

import { mockCredentials } from '@backstage/backend-test-utils';
import { profileAccessServiceRef } from '@knot-platform/plugin-knot-node';
import {
  createTestDatabases,
  serviceProbe,
  startKnotTestBackend,
} from '@knot-platform/knot-test-utils';
import request from 'supertest';
import { KnotAdmins } from '../identity/KnotAdmins';
import { UserStore } from '../identity/UserStore';
import { StoreProfileAccess } from './StoreProfileAccess';

const databases = createTestDatabases();

jest.setTimeout(60_000);

/** alice (admin), bob and carol active, dave inactive; team t = {bob}. */
async function seed(store: UserStore) {
  for (const name of ['alice', 'bob', 'carol', 'dave']) {
    await store.signUp({ username: name, password: `${name} password` });
  }
  for (const name of ['alice', 'bob', 'carol']) {
    await store.setActive(name, true);
  }
  await store.setAdmin('alice', true);
  await store.createTeam('t', ['bob']);
}

describe.each(databases.eachSupportedId())('profile access on %p', id => {
  it('follows the store: self, member → team, admin → anyone', async () => {
    const knex = await databases.init(id);
    const store = await UserStore.create({
      database: { getClient: async () => knex },
    });
    await seed(store);
    const access = new StoreProfileAccess(store, new KnotAdmins(store, []));
    const can = (user: string, profile: string) =>
      access.canActAs(`user:default/${user}`, profile);

    expect(await can('bob', 'bob')).toBe(true);
    expect(await can('bob', 't')).toBe(true);
    expect(await can('carol', 't')).toBe(false);
    expect(await access.refusal('user:default/carol', 't')).toBe(
      "You are not a member of team 't'",
    );
    expect(await can('carol', 'bob')).toBe(false);
    expect(await can('alice', 'bob')).toBe(true);
    expect(await can('alice', 't')).toBe(true);
    expect(await can('dave', 'dave')).toBe(false);
    expect(await can('bob', 'nobody')).toBe(false);
    // A signed-in user unknown to the store (development guest) is itself.
    expect(await can('guest', 'guest')).toBe(true);
    expect(await access.ownerRef('t')).toBe('group:default/t');
    expect(await access.ownerRef('bob')).toBe('user:default/bob');

    // The same rule, listed (what the permission policy asks).
    const acting = (user: string) =>
      access.actingProfiles(`user:default/${user}`);
    expect(await acting('bob')).toEqual({
      admin: false,
      profiles: ['bob', 't'],
      active: true,
    });
    expect(await acting('carol')).toEqual({
      admin: false,
      profiles: ['carol'],
      active: true,
    });
    expect(await acting('alice')).toEqual({
      admin: true,
      profiles: ['alice'],
      active: true,
    });
    expect(await acting('dave')).toEqual({
      admin: false,
      profiles: [],
      active: false,
    });
    expect(await acting('guest')).toEqual({
      admin: false,
      profiles: ['guest'],
      active: true,
    });
  });

  it('is what other plugins get from profileAccessServiceRef', async () => {
    const knex = await databases.init(id);
    // Stands for the permission policy: another plugin of the same backend.
    const probe = serviceProbe(profileAccessServiceRef);
    const { server } = await startKnotTestBackend({
      knex,
      features: [probe.feature],
    });
    await seed(new UserStore(knex));
    const access = probe.get();

    expect(await access.canActAs('user:default/bob', 't')).toBe(true);
    expect(await access.refusal('user:default/carol', 't')).toBe(
      "You are not a member of team 't'",
    );
    expect(await access.ownerRef('t')).toBe('group:default/t');
    expect(await access.actingProfiles('user:default/bob')).toEqual({
      admin: false,
      profiles: ['bob', 't'],
      active: true,
    });
    expect(await access.actingProfiles('user:default/alice')).toEqual({
      admin: true,
      profiles: ['alice'],
      active: true,
    });

    // The routes behind it answer services only, and check their input.
    for (const path of [
      '/api/knot/acting-profiles?user=user:default/bob',
      '/api/knot/profile-access/t?user=user:default/bob',
    ]) {
      const asUser = await request(server)
        .get(path)
        .set('Authorization', mockCredentials.user.header('user:default/bob'));
      expect(asUser.status).toBe(403);
    }
    const bad = await request(server)
      .get('/api/knot/acting-profiles?user=group:')
      .set('Authorization', mockCredentials.service.header());
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/not a user entity ref/);
  });
});

import { createTestDatabases } from '@knot-platform/knot-test-utils';
import { KnotAdmins } from './KnotAdmins';
import { UserStore } from './UserStore';

const databases = createTestDatabases();

jest.setTimeout(60_000);

describe('KnotAdmins', () => {
  it("is the store's active admins and the listed names, nobody else", async () => {
    const knex = await databases.init('SQLITE_3');
    const store = await UserStore.create({
      database: { getClient: async () => knex },
    });
    for (const name of ['alice', 'bob', 'carol', 'dave']) {
      await store.signUp({ username: name, password: `${name} password` });
    }
    for (const name of ['alice', 'bob', 'carol']) {
      await store.setActive(name, true);
    }
    await store.setAdmin('alice', true);
    // dave was listed, then deactivated in the store.
    await store.setAdmin('dave', true);
    await store.createTeam('t', ['bob']);
    const admins = new KnotAdmins(store, ['carol', 'dave', 'guest']);

    const verdicts = Object.fromEntries(
      await Promise.all(
        ['alice', 'bob', 'carol', 'dave', 'guest', 't', 'nobody'].map(
          async name => [name, await admins.isAdmin(name)],
        ),
      ),
    );
    expect(verdicts).toEqual({
      alice: true,
      bob: false,
      carol: true,
      dave: false,
      guest: true,
      t: false,
      nobody: false,
    });
  });
});

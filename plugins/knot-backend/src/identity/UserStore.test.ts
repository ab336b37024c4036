import {
  createTestDatabases,
  seedKnotUsers,
} from '@knot-platform/knot-test-utils';
import { UserStore, type UserChange } from './UserStore';

const databases = createTestDatabases();

jest.setTimeout(60_000);

describe.each(databases.eachSupportedId())('UserStore on %p', databaseId => {
  async function createStore() {
    const knex = await databases.init(databaseId);
    const store = await UserStore.create({
      database: { getClient: async () => knex },
    });
    return { knex, store };
  }

  it('signs users up inactive and authenticates them once approved', async () => {
    const { knex, store } = await createStore();
    const changes: UserChange[] = [];
    store.onChange(change => {
      changes.push(change);
    });

    const user = await store.signUp({
      username: 'alice',
      email: 'alice@example.com',
      password: 'correct horse',
    });
    expect(user).toMatchObject({
      username: 'alice',
      active: false,
      admin: false,
    });

    // The password is stored as a salted scrypt hash, never in clear.
    const row = await knex('knot_users').where({ username: 'alice' }).first();
    expect(row.password_hash).toMatch(/^scrypt\$\d+\$8\$1\$[^$]+\$[^$]+$/);
    expect(row.password_hash).not.toContain('correct horse');

    await expect(store.authenticate('alice', 'correct horse')).resolves.toEqual(
      {
        ok: false,
        reason: 'awaiting-approval',
      },
    );
    await expect(store.authenticate('alice', 'wrong horse')).resolves.toEqual({
      ok: false,
      reason: 'invalid-credentials',
    });
    await expect(
      store.authenticate('nobody', 'correct horse'),
    ).resolves.toEqual({
      ok: false,
      reason: 'invalid-credentials',
    });

    await store.setActive('alice', true);
    await expect(
      store.authenticate('alice', 'correct horse'),
    ).resolves.toMatchObject({
      ok: true,
      user: { username: 'alice', email: 'alice@example.com', active: true },
    });
    expect(changes).toEqual([
      { kind: 'created', profile: 'alice' },
      { kind: 'updated', profile: 'alice' },
    ]);
  });

  it('salts every password differently', async () => {
    const { knex, store } = await createStore();
    await store.signUp({ username: 'ann', password: 'same password' });
    await store.signUp({ username: 'bob', password: 'same password' });
    const hashes = await knex('knot_users').pluck('password_hash');
    expect(new Set(hashes).size).toBe(2);
  });

  it.each([
    [{ username: 'Alice', password: 'long enough' }, /not a valid name/],
    [{ username: 'admin', password: 'long enough' }, /'admin' is reserved/],
    [{ username: 'carol', password: 'short' }, /at least 8 characters/],
    [
      { username: 'carol', email: 'not-an-email', password: 'long enough' },
      /not a valid e-mail/,
    ],
  ])('refuses sign-up %p', async (input, message) => {
    const { store } = await createStore();
    await expect(store.signUp(input)).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(message),
    });
  });

  it('refuses a taken username, also when a team has it', async () => {
    const { store } = await createStore();
    await store.signUp({ username: 'dave', password: 'long enough' });
    await store.createTeam('vision');
    await expect(
      store.signUp({ username: 'dave', password: 'long enough' }),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: "The name 'dave' is already taken",
    });
    await expect(
      store.signUp({ username: 'vision', password: 'long enough' }),
    ).rejects.toMatchObject({ name: 'ConflictError' });
  });

  it('creates the first admin once, with a reserved name allowed', async () => {
    const { store } = await createStore();
    await expect(store.ensureAdmin('admin', 'first password')).resolves.toBe(
      true,
    );
    await expect(store.ensureAdmin('admin', 'other password')).resolves.toBe(
      false,
    );
    await expect(
      store.authenticate('admin', 'first password'),
    ).resolves.toMatchObject({
      ok: true,
      user: { admin: true, active: true },
    });
  });

  it('manages teams and memberships, and lists active profiles', async () => {
    const { store } = await createStore();
    await store.signUp({ username: 'erin', password: 'long enough' });
    await store.signUp({ username: 'frank', password: 'long enough' });
    await store.setActive('erin', true);
    await store.createTeam('ml-team', ['erin']);
    await store.addMember('ml-team', 'frank');

    expect(await store.getTeam('ml-team')).toMatchObject({
      name: 'ml-team',
      members: ['erin', 'frank'],
    });
    expect(await store.teamsOf('frank')).toEqual(['ml-team']);
    expect(await store.listActiveProfiles()).toEqual([
      { name: 'erin', team: false },
      { name: 'ml-team', team: true },
    ]);
    // Teams are not users: they never sign in and are not listed as users.
    expect((await store.listUsers()).map(u => u.username)).toEqual([
      'erin',
      'frank',
    ]);
    await expect(store.authenticate('ml-team', '')).resolves.toMatchObject({
      ok: false,
    });

    await expect(store.addMember('ml-team', 'nobody')).rejects.toMatchObject({
      name: 'InputError',
    });
    await store.removeMember('ml-team', 'erin');
    await store.deleteProfile('frank');
    expect(await store.getTeam('ml-team')).toMatchObject({ members: [] });
    await store.deleteTeam('ml-team');
    expect(await store.listTeams()).toEqual([]);
  });

  it('changes a password only with the current one', async () => {
    const { store } = await createStore();
    await store.ensureAdmin('grace', 'old password');
    await expect(
      store.changePassword('grace', 'not it', 'new password'),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: 'The current password is wrong',
    });
    await store.changePassword('grace', 'old password', 'new password');
    await expect(
      store.authenticate('grace', 'new password'),
    ).resolves.toMatchObject({
      ok: true,
    });
    await expect(
      store.authenticate('grace', 'old password'),
    ).resolves.toMatchObject({
      ok: false,
    });
  });

  // Suites of other packages seed users through the test kit, which writes
  // the store's rows itself: the store must read them as written.
  it("reads the test kit's seeded users and teams as written", async () => {
    const { knex, store } = await createStore();
    await seedKnotUsers(knex, {
      users: ['alice'],
      pending: ['bob'],
      admins: ['carol'],
      teams: { lab: ['alice', 'bob'] },
    });
    expect(await store.listUsers()).toMatchObject([
      { username: 'alice', active: true, admin: false },
      { username: 'bob', active: false, admin: false },
      { username: 'carol', active: true, admin: true },
    ]);
    expect(await store.listTeams()).toMatchObject([
      { name: 'lab', members: ['alice', 'bob'] },
    ]);
    expect(await store.getUser('lab')).toMatchObject({ team: true });
    expect(await store.teamsOf('alice')).toEqual(['lab']);
  });
});

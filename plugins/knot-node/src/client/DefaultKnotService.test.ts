import { mockCredentials } from '@backstage/backend-test-utils';
import {
  createTestDatabases,
  seedKnotUsers,
  serviceProbe,
  startKnotTestBackend,
} from '@knot-platform/knot-test-utils';
import { knotServiceRef } from './KnotService';

const databases = createTestDatabases();

jest.setTimeout(60_000);

/** The default knotServiceRef of another plugin, next to the real knot plugin. */
async function startWithClient() {
  const knex = await databases.init(databases.eachSupportedId()[0][0]);
  // Stands for the catalog, scaffolder and permission modules.
  const probe = serviceProbe(knotServiceRef);
  await startKnotTestBackend({ knex, features: [probe.feature] });
  // alice active, bob awaiting approval, root an admin; team vision.
  await seedKnotUsers(knex, {
    users: ['alice'],
    pending: ['bob'],
    admins: ['root'],
    teams: { vision: ['alice'] },
  });
  return probe.get();
}

describe('the knot plugin client (knotServiceRef)', () => {
  it('asks who may act as whom, with service credentials', async () => {
    const knot = await startWithClient();
    expect(await knot.profileAccess('vision', 'user:default/alice')).toEqual({
      allowed: true,
      ownerRef: 'group:default/vision',
    });
    expect(await knot.profileAccess('alice', 'user:default/bob')).toEqual({
      allowed: false,
      reason: "The account 'bob' is not active",
      ownerRef: 'user:default/alice',
    });
    expect(await knot.actingProfiles('user:default/alice')).toEqual({
      admin: false,
      profiles: ['alice', 'vision'],
      active: true,
    });
    expect(await knot.actingProfiles('user:default/root')).toEqual({
      admin: true,
      profiles: ['root'],
      active: true,
    });
  });

  it("lists the user store's active users and teams as catalog entities", async () => {
    const knot = await startWithClient();
    const { items } = await knot.catalogEntities('profiles');
    // bob awaits approval: not in the catalog.
    expect(
      items.map(i => `${i.entity.kind}:${i.entity.metadata.name}`),
    ).toEqual(['User:alice', 'User:root', 'Group:vision']);
  });

  it("installs on a user's behalf and brings the plugin's refusals back", async () => {
    const knot = await startWithClient();
    await expect(
      knot.installService(
        { chart: 'nope', name: 'x' },
        { credentials: mockCredentials.user('user:default/alice') },
      ),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: "No chart 'nope' is offered",
    });
    await expect(
      knot.installService(
        { chart: 'nope', name: 'x', profile: 'root' },
        { credentials: mockCredentials.user('user:default/alice') },
      ),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message:
        "You may not act as profile 'root': You may not act as user 'root'",
    });
  });
});

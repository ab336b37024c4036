import {
  createProfileNamespace,
  createTestDatabases,
  describeWithCluster,
  helmReleases,
  seedKnotUsers,
  servicesTestConfigData,
  testUsername,
  uninstallReleases,
} from '@knot-platform/knot-test-utils';
import { startInstallAction } from './__testUtils__/installAction';

jest.setTimeout(120_000);

const databases = createTestDatabases();

describeWithCluster('deploying as a team from Create', () => {
  const member = testUsername('mem');
  const outsider = testUsername('out');
  const team = testUsername('team');
  let teamNs: Awaited<ReturnType<typeof createProfileNamespace>>;

  beforeAll(async () => {
    teamNs = await createProfileNamespace(team);
  });
  afterAll(async () => {
    await uninstallReleases(teamNs.namespace);
    await teamNs.remove();
  });

  it('a member lands in knot-<team>, a non-member is refused', async () => {
    const knex = await databases.init('SQLITE_3');
    // The real scaffolder module and the real knot plugin in one backend:
    // the action installs through the knot plugin, on behalf of the user,
    // so the plugin's own profile check applies.
    const { run } = await startInstallAction({
      knex,
      config: servicesTestConfigData(),
    });
    await seedKnotUsers(knex, {
      users: [member, outsider],
      teams: { [team]: [member] },
    });
    const input = {
      chart: 'hello-kubernetes',
      name: 'hello',
      profile: team,
      values: { message: 'from the team' },
    };

    const ok = run(input, member);
    await ok.done;
    expect(ok.ctx.output).toHaveBeenCalledWith('namespace', `knot-${team}`);
    expect(ok.ctx.output).toHaveBeenCalledWith(
      'url',
      `https://hello-${team}.knot.test/`,
    );
    const releases = await helmReleases(`knot-${team}`);
    expect(releases.map(r => r.name)).toEqual(['hello']);

    await expect(run(input, outsider).done).rejects.toThrow(
      `You may not act as profile '${team}': You are not a member of team '${team}'`,
    );
  });
});

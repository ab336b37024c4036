import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { describeWithCluster, testKubeconfig } from '../__testUtils__/cluster';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  createProfileNamespace,
  testUsername,
} from '../__testUtils__/profiles';
import { knotPlugin } from '../plugin';
import { UserStore } from '../users/UserStore';
import { knotServicesScaffolderModule } from './modules';
import { helmFromConfig } from './settings';
import { ConfigReader } from '@backstage/config';
import { servicesTestConfigData } from '../__testUtils__/services';

jest.setTimeout(120_000);

const databases = createTestDatabases();

const data = servicesTestConfigData;

describeWithCluster('deploying as a team from Create', () => {
  const member = testUsername('mem');
  const outsider = testUsername('out');
  const team = testUsername('team');
  let teamNs: Awaited<ReturnType<typeof createProfileNamespace>>;

  beforeAll(async () => {
    teamNs = await createProfileNamespace(testKubeconfig()!, team);
  });
  afterAll(async () => {
    const helm = helmFromConfig(new ConfigReader(data()));
    for (const r of await helm.list(teamNs.namespace)) {
      await helm.uninstall(r.name, teamNs.namespace);
    }
    await teamNs.remove();
  });

  it('a member lands in knot-<team>, a non-member is refused', async () => {
    const knex = await databases.init('SQLITE_3');
    const actions: any[] = [];
    // The real scaffolder module and the real knot plugin in one backend:
    // the action's profile check reaches the user store through
    // profileAccessServiceRef's default.
    await startTestBackend({
      features: [
        knotPlugin,
        knotServicesScaffolderModule,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({ data: data() }),
      ],
      extensionPoints: [
        [
          scaffolderActionsExtensionPoint,
          { addActions: (...a: any[]) => actions.push(...a) },
        ],
      ],
    });
    const store = new UserStore(knex);
    for (const name of [member, outsider]) {
      await store.signUp({ username: name, password: `${name} password` });
      await store.setActive(name, true);
    }
    await store.createTeam(team, [member]);
    const action = actions.find(a => a.id === 'knot:helm:install');

    const run = (user: string) => {
      const ctx = createMockActionContext({
        input: {
          chart: 'hello-kubernetes',
          name: 'hello',
          profile: team,
          values: { message: 'from the team' },
        } as any,
        user: { ref: `user:default/${user}` },
      });
      return { ctx, done: action.handler(ctx) };
    };

    const ok = run(member);
    await ok.done;
    expect(ok.ctx.output).toHaveBeenCalledWith('namespace', `knot-${team}`);
    expect(ok.ctx.output).toHaveBeenCalledWith(
      'url',
      `https://hello-${team}.knot.test/`,
    );
    const releases = await helmFromConfig(new ConfigReader(data())).list(
      `knot-${team}`,
    );
    expect(releases.map(r => r.name)).toEqual(['hello']);

    await expect(run(outsider).done).rejects.toThrow(
      `You may not act as profile '${team}': You are not a member of team '${team}'`,
    );
  });
});

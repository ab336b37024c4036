import {
  coreServices,
  createBackendModule,
  type AuthService,
  type DiscoveryService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { knotPlugin } from '../plugin';
import { createTestDatabases } from '../__testUtils__/databases';
import { UserStore } from '../users/UserStore';
import { KnotApiChartProfiles } from './ChartProfiles';

const databases = createTestDatabases();

jest.setTimeout(60_000);

describe('KnotApiChartProfiles', () => {
  it("lists the user store's active users and teams through the Knot plugin's API", async () => {
    const knex = await databases.init(databases.eachSupportedId()[0][0]);
    let services:
      | { discovery: DiscoveryService; auth: AuthService }
      | undefined;
    // Stands for the catalog/scaffolder modules: only service credentials.
    const probe = createBackendModule({
      pluginId: 'knot',
      moduleId: 'chart-profiles-probe',
      register(env) {
        env.registerInit({
          deps: { discovery: coreServices.discovery, auth: coreServices.auth },
          async init(deps) {
            services = deps;
          },
        });
      },
    });
    await startTestBackend({
      features: [
        knotPlugin,
        probe,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            knot: {
              kubernetes: { kubeconfig: '/nonexistent', healthTimeoutMs: 200 },
            },
          },
        }),
      ],
    });
    const store = new UserStore(knex);
    await store.signUp({ username: 'alice', password: 'alice password' });
    await store.signUp({ username: 'bob', password: 'bob password' });
    await store.setActive('alice', true);
    await store.createTeam('vision', ['alice']);

    const profiles = new KnotApiChartProfiles(
      services!.discovery,
      services!.auth,
    );
    // bob awaits approval: no private charts for him.
    expect(await profiles.list()).toEqual([
      { name: 'alice', team: false },
      { name: 'vision', team: true },
    ]);
  });
});

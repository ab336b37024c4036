import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import request from 'supertest';
import { knotPlugin } from '../plugin';
import { createTestDatabases } from '../__testUtils__/databases';
import { UserStore } from '../users/UserStore';
import { catalogModuleKnotProfiles } from './module';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe('catalogModuleKnotProfiles', () => {
  it('puts a user in the catalog as soon as an admin approves them', async () => {
    process.env.KNOT_TEST_CATALOG_ADMIN_PASSWORD = 'admin password';
    const knex = await databases.init('SQLITE_3');
    const { server } = await startTestBackend({
      features: [
        catalogPlugin,
        knotPlugin,
        catalogModuleKnotProfiles,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            knot: {
              kubernetes: { kubeconfig: '/nonexistent', healthTimeoutMs: 200 },
              identity: {
                admin: {
                  username: 'root',
                  passwordEnv: 'KNOT_TEST_CATALOG_ADMIN_PASSWORD',
                },
              },
            },
          },
        }),
      ],
    });
    const status = async (ref: string) =>
      (
        await request(server)
          .get(`/api/catalog/entities/by-name/${ref}`)
          .set('Authorization', mockCredentials.user.header())
      ).status;
    const within = async (ms: number, ref: string) => {
      const deadline = Date.now() + ms;
      let seen = await status(ref);
      while (seen !== 200 && Date.now() < deadline) {
        await new Promise(r => setTimeout(r, 100));
        seen = await status(ref);
      }
      return seen;
    };

    // The test backend's scheduler runs no scheduled task (the real one
    // would in a minute): only the change notification can bring erin in.
    await new UserStore(knex).signUp({
      username: 'erin',
      password: 'erin password',
    });
    const approved = await request(server)
      .patch('/api/knot/users/erin')
      .set('Authorization', mockCredentials.user.header('user:default/root'))
      .send({ active: true });
    expect(approved.status).toBe(200);
    expect(await within(5_000, 'user/default/erin')).toBe(200);

    // So does a new team, as a Group with its member.
    await request(server)
      .post('/api/knot/teams')
      .set('Authorization', mockCredentials.user.header('user:default/root'))
      .send({ name: 'lab', members: ['erin'] });
    expect(await within(5_000, 'group/default/lab')).toBe(200);
  });
});

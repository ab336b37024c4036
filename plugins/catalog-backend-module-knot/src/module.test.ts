import type { ServiceFactory } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import scaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import {
  BUNDLED_CHARTS_DIR,
  createTestDatabases,
  seedKnotUsers,
  startKnotTestBackend,
} from '@knot-platform/knot-test-utils';
import request from 'supertest';
import { catalogModuleKnot } from './module';

// A catalog, the knot plugin and its providers start in each backend: slow on
// a busy machine.
jest.setTimeout(180_000);

const databases = createTestDatabases();

describe('catalogModuleKnot', () => {
  it('puts a user in the catalog as soon as an admin approves them', async () => {
    const knex = await databases.init('SQLITE_3');
    const { server } = await startKnotTestBackend({
      knex,
      features: [catalogPlugin, catalogModuleKnot],
      config: { knot: { identity: { admins: ['root'] } } },
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
    // would in a minute): only the knot plugin's profile event can bring
    // erin in. The wait allows for the catalog's processing loop on a busy
    // machine; without the event erin never comes.
    await seedKnotUsers(knex, { pending: ['erin'] });
    const approved = await request(server)
      .patch('/api/knot/users/erin')
      .set('Authorization', mockCredentials.user.header('user:default/root'))
      .send({ active: true });
    expect(approved.status).toBe(200);
    expect(await within(30_000, 'user/default/erin')).toBe(200);

    // So does a new team, as a Group with its member.
    await request(server)
      .post('/api/knot/teams')
      .set('Authorization', mockCredentials.user.header('user:default/root'))
      .send({ name: 'lab', members: ['erin'] });
    expect(await within(30_000, 'group/default/lab')).toBe(200);
  });

  it("offers the knot plugin's chart Templates in the catalog", async () => {
    // One scheduler for every plugin, so that the test runs the templates
    // provider itself (and again, should the knot plugin not answer yet).
    const scheduler = mockServices.scheduler();
    const { server } = await startKnotTestBackend({
      features: [
        catalogPlugin,
        scaffolderEntityModel,
        catalogModuleKnot,
        (scheduler as unknown as { factory(): ServiceFactory }).factory(),
      ],
      config: { knot: { services: { chartsDir: BUNDLED_CHARTS_DIR } } },
    });
    const wanted = [
      'knot-file-browser-1-0-1',
      'knot-hello-kubernetes-1-0-2',
      'knot-jupyter-notebook-1-0-1',
    ];
    const templateNames = async (): Promise<string[]> => {
      const res = await request(server)
        .get('/api/catalog/entities/by-query?filter=kind=template')
        .set('Authorization', mockCredentials.service.header());
      return res.body.items.map(
        (e: { metadata: { name: string } }) => e.metadata.name,
      );
    };
    const missing = (seen: string[]) => wanted.filter(n => !seen.includes(n));
    const deadline = Date.now() + 60_000;
    let names: string[] = [];
    while (missing(names).length && Date.now() < deadline) {
      await scheduler.triggerTask('knot-chart-templates:refresh');
      await new Promise(r => setTimeout(r, 500));
      names = await templateNames();
    }
    expect(names).toEqual(expect.arrayContaining(wanted));
  });
});

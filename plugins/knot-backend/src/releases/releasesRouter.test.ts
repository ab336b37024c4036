import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { startKnotTestBackend } from '@knot-platform/knot-test-utils';
import express from 'express';
import request from 'supertest';
import type { ChartCatalog } from '../charts/ChartCatalog';
import { StoreProfileAccess } from '../profiles/StoreProfileAccess';
import { StoreProfileResolver } from '../profiles/StoreProfileResolver';
import { HelmError, type Helm } from './Helm';
import type { ReleaseEntities } from './releaseEntities';
import { createReleasesRouter } from './releasesRouter';
import type { ServiceInstaller } from './ServiceInstaller';
import { QuotaFit } from '../quotaFit/QuotaFit';
import { helloChart } from './__testUtils__/helloChart';

const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

const chart = helloChart;

/** The services API over a fake helm: alice has `web`, team t = {alice}. */
async function start(options: { installError?: Error } = {}) {
  const releases: Record<string, string[]> = { 'knot-alice': ['web'] };
  const installs: any[] = [];
  const helm = {
    list: async (ns: string) =>
      (releases[ns] ?? []).map(name => ({
        name,
        namespace: ns,
        revision: '1',
        updated: '2026-01-01 00:00:00.0 +0000 UTC',
        status: 'deployed',
        chart: 'hello-1.0.0',
        app_version: '1',
      })),
    getValues: async () => ({ message: 'old', knot: { hostname: 'x' } }),
    install: async (o: unknown) => {
      if (options.installError) throw options.installError;
      installs.push(o);
      return '';
    },
  } as unknown as Helm;
  const charts = {
    find: async (name: string, version?: string) =>
      name === chart.name && (!version || version === chart.version)
        ? chart
        : undefined,
  } as unknown as ChartCatalog;
  const store = {
    getUser: async (name: string) =>
      ['alice', 'bob', 't'].includes(name)
        ? { active: true, admin: false, team: name === 't' }
        : undefined,
    roleIn: async (team: string, user: string) =>
      team === 't' && user === 'alice' ? 'member' : undefined,
  } as any;
  const plugin = createBackendPlugin({
    pluginId: 'knot',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
          userInfo: coreServices.userInfo,
        },
        async init({ httpRouter, httpAuth, userInfo }) {
          const router = express.Router();
          router.use(express.json());
          const noAdmins = { isAdmin: async () => false };
          router.use(
            createReleasesRouter({
              httpAuth,
              profiles: new StoreProfileResolver({
                httpAuth,
                userInfo,
                access: new StoreProfileAccess(store, noAdmins),
                mayImpersonate: async () => false,
                namespacePrefix: 'knot-',
              }),
              helm,
              kubernetes: {} as any,
              exposure: {
                domain: 'knot.test',
                scheme: 'https',
                ingressUrl: 'https://portal.test',
                urls: {},
              },
              charts,
              installer: {} as ServiceInstaller,
              entities: {} as ReleaseEntities,
              fit: new QuotaFit(helm, {} as any, false),
            }),
          );
          httpRouter.use(router);
        },
      });
    },
  });
  const { server } = await startKnotTestBackend({
    withoutKnotPlugin: true,
    features: [plugin],
  });
  return { server, installs };
}

describe('services API: changing values', () => {
  it('upgrades with the user values and the internal knot.* values again', async () => {
    const { server, installs } = await start();
    const res = await request(server)
      .put('/api/knot/services/web/values')
      .set('Authorization', as('alice'))
      .send({ values: { message: 'new' } });
    expect(res.status).toBe(204);
    expect(installs).toEqual([
      expect.objectContaining({
        upgrade: true,
        release: 'web',
        namespace: 'knot-alice',
        chart: '/charts/hello',
        values: {
          message: 'new',
          knot: expect.objectContaining({
            hostname: 'web-alice.knot.test',
            username: 'alice',
            namespace: 'knot-alice',
          }),
        },
      }),
    ]);
  });

  it.each([
    [{}, 'Body must be'],
    [{ values: 'nope' }, 'Body must be'],
    [{ values: ['a'] }, 'Body must be'],
    [{ values: null }, 'Body must be'],
    [
      { values: { message: 'x', knot: { hostname: 'evil.example' } } },
      "'knot' values are set by Knot",
    ],
  ])('refuses the body %j with 400', async (body, message) => {
    const { server, installs } = await start();
    const res = await request(server)
      .put('/api/knot/services/web/values')
      .set('Authorization', as('alice'))
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(message);
    expect(installs).toEqual([]);
  });

  it("never reaches another profile's release", async () => {
    const { server, installs } = await start();
    // bob may not act as alice…
    const asAlice = await request(server)
      .put('/api/knot/services/web/values')
      .set('Authorization', as('bob'))
      .set('x-knot-profile', 'alice')
      .send({ values: { message: 'x' } });
    expect(asAlice.status).toBe(403);
    // …nor as team t, and his own profile has no `web`.
    const asTeam = await request(server)
      .get('/api/knot/services/web/form')
      .set('Authorization', as('bob'))
      .set('x-knot-profile', 't');
    expect(asTeam.status).toBe(403);
    expect(asTeam.body.error.message).toContain(
      "You are not a member of team 't'",
    );
    const own = await request(server)
      .put('/api/knot/services/web/values')
      .set('Authorization', as('bob'))
      .send({ values: { message: 'x' } });
    expect(own.status).toBe(404);
    const anonymous = await request(server)
      .put('/api/knot/services/web/values')
      .set('Authorization', mockCredentials.none.header())
      .send({ values: { message: 'x' } });
    expect(anonymous.status).toBe(401);
    expect(installs).toEqual([]);
  });

  it('serves the form: the chart schema and the current user values', async () => {
    const { server } = await start();
    const res = await request(server)
      .get('/api/knot/services/web/form')
      .set('Authorization', as('alice'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      chart: 'hello',
      chartVersion: '1.0.0',
      values: { message: 'old' },
      schema: {
        properties: {
          message: {
            type: 'string',
            default: 'hi',
            description: 'The greeting',
          },
        },
      },
    });
    expect(res.body.values.knot).toBeUndefined();
    expect(res.body.schema.properties.knot).toBeUndefined();
  });

  it("answers helm's refusal of the values as a 400 in its words", async () => {
    const { server } = await start({
      installError: new HelmError(
        'helm upgrade failed',
        "Error: UPGRADE FAILED: values don't meet the specifications of the schema(s) in the following chart(s):\nhello:\n- replicas: Invalid type. Expected: integer, given: string\n",
      ),
    });
    const res = await request(server)
      .put('/api/knot/services/web/values')
      .set('Authorization', as('alice'))
      .send({ values: { replicas: 'many' } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'The chart refused these values: replicas: Invalid type. Expected: integer, given: string',
    );
  });
});

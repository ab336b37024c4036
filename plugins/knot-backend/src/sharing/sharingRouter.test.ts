import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  createTestDatabases,
  seedKnotUsers,
  startKnotTestBackend,
} from '@knot-platform/knot-test-utils';
import express from 'express';
import request from 'supertest';
import { KnotAdmins } from '../identity/KnotAdmins';
import { UserStore } from '../identity/UserStore';
import { StoreProfileAccess } from '../profiles/StoreProfileAccess';
import { StoreProfileResolver } from '../profiles/StoreProfileResolver';
import type { Helm } from '../releases/Helm';
import { ServiceShareAccess } from './ServiceShareAccess';
import { ServiceShares } from './ServiceShares';
import { createSharingRouter } from './sharingRouter';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

/**
 * The sharing API over a fake helm: alice has `web`, team t has `app`
 * (owner tom, viewer vic), team lab = {carol, dave}.
 */
async function start() {
  const knex = await databases.init('SQLITE_3');
  const store = await UserStore.create({
    database: { getClient: async () => knex },
  });
  await seedKnotUsers(knex, {
    users: ['alice', 'bob', 'carol', 'dave', 'tom', 'vic'],
    teams: { t: ['tom', 'vic'], lab: ['carol', 'dave'] },
  });
  await knex('knot_team_members')
    .where({ team: 't' })
    .update({
      role: knex.raw("case when member = 'tom' then 'owner' else 'viewer' end"),
    });
  const releases: Record<string, string[]> = {
    'knot-alice': ['web'],
    'knot-t': ['app'],
  };
  const helm = {
    list: async (ns: string) => (releases[ns] ?? []).map(name => ({ name })),
  } as unknown as Helm;
  const access = new StoreProfileAccess(store, new KnotAdmins(store, []));
  const shares = new ServiceShares(knex, store);
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
          router.use(
            createSharingRouter({
              httpAuth,
              userInfo,
              profiles: new StoreProfileResolver({
                httpAuth,
                userInfo,
                access,
                mayImpersonate: async () => false,
                namespacePrefix: 'knot-',
              }),
              helm,
              shares,
              access: new ServiceShareAccess(shares, store, access),
              exposure: {
                domain: 'knot.test',
                scheme: 'https',
                ingressUrl: 'https://portal.test',
                urls: {},
              },
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
  return { server, knex };
}

describe('sharing API', () => {
  it('shares, lists, and revokes a service of the acting profile', async () => {
    const { server } = await start();
    const share = await request(server)
      .post('/api/knot/services/web/shares')
      .set('Authorization', as('alice'))
      .send({ grantee: 'bob' });
    expect(share.status).toBe(201);
    expect(share.body).toMatchObject({
      service: 'web',
      grantee: 'bob',
      granteeKind: 'user',
      createdBy: 'alice',
    });
    const team = await request(server)
      .post('/api/knot/services/web/shares')
      .set('Authorization', as('alice'))
      .send({ grantee: 'lab', expiresAt: '2999-01-01T00:00:00Z' });
    expect(team.status).toBe(201);
    const list = await request(server)
      .get('/api/knot/services/web/shares')
      .set('Authorization', as('alice'));
    expect(list.body.items.map((s: any) => [s.grantee, s.granteeKind])).toEqual(
      [
        ['bob', 'user'],
        ['lab', 'team'],
      ],
    );

    // What bob and carol see: the service, its URL, and how it reached them.
    const bobs = await request(server)
      .get('/api/knot/me/shared-services')
      .set('Authorization', as('bob'));
    expect(bobs.body).toEqual({
      items: [
        {
          owner: 'alice',
          service: 'web',
          url: 'https://web-alice.knot.test/',
          via: 'bob',
          sharedBy: 'alice',
        },
      ],
    });
    const carols = await request(server)
      .get('/api/knot/me/shared-services')
      .set('Authorization', as('carol'));
    expect(carols.body.items).toEqual([
      expect.objectContaining({
        owner: 'alice',
        service: 'web',
        via: 'lab',
        expiresAt: '2999-01-01T00:00:00.000Z',
      }),
    ]);

    const revoked = await request(server)
      .delete('/api/knot/services/web/shares/bob')
      .set('Authorization', as('alice'));
    expect(revoked.status).toBe(204);
    const after = await request(server)
      .get('/api/knot/me/shared-services')
      .set('Authorization', as('bob'));
    expect(after.body.items).toEqual([]);
    const again = await request(server)
      .delete('/api/knot/services/web/shares/bob')
      .set('Authorization', as('alice'));
    expect(again.status).toBe(404);
  });

  it('answers bad requests in words: unknown service 404, unknown grantee or past expiry 400, duplicate 409', async () => {
    const { server } = await start();
    const post = (name: string, body: object) =>
      request(server)
        .post(`/api/knot/services/${name}/shares`)
        .set('Authorization', as('alice'))
        .send(body);
    const missing = await post('nope', { grantee: 'bob' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe("No service 'nope' in knot-alice");
    // Another profile's service is not the acting profile's: 404, not 403.
    expect((await post('app', { grantee: 'bob' })).status).toBe(404);
    const unknown = await post('web', { grantee: 'zed' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe(
      "There is no active user or team named 'zed'",
    );
    const past = await post('web', {
      grantee: 'bob',
      expiresAt: '2020-01-01T00:00:00Z',
    });
    expect(past.status).toBe(400);
    expect(past.body.error.message).toContain('has already passed');
    expect((await post('web', { grantee: 'bob' })).status).toBe(201);
    const dup = await post('web', { grantee: 'bob' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toContain("already shared with 'bob'");
  });

  it("lets only those who may manage a profile's services share them: a team viewer may look, not share or revoke", async () => {
    const { server } = await start();
    const asTeam = (user: string) => ({
      Authorization: as(user),
      'x-knot-profile': 't',
    });
    const byViewer = await request(server)
      .post('/api/knot/services/app/shares')
      .set(asTeam('vic'))
      .send({ grantee: 'bob' });
    expect(byViewer.status).toBe(403);
    const byOwner = await request(server)
      .post('/api/knot/services/app/shares')
      .set(asTeam('tom'))
      .send({ grantee: 'bob' });
    expect(byOwner.status).toBe(201);
    expect(byOwner.body.createdBy).toBe('tom');
    const look = await request(server)
      .get('/api/knot/services/app/shares')
      .set(asTeam('vic'));
    expect(look.status).toBe(200);
    expect(look.body.items).toHaveLength(1);
    const revokeByViewer = await request(server)
      .delete('/api/knot/services/app/shares/bob')
      .set(asTeam('vic'));
    expect(revokeByViewer.status).toBe(403);
    // bob may not manage alice's shares, nor see them.
    for (const call of [
      request(server).get('/api/knot/services/web/shares'),
      request(server).post('/api/knot/services/web/shares').send({
        grantee: 'bob',
      }),
      request(server).delete('/api/knot/services/web/shares/bob'),
    ]) {
      const res = await call.set({
        Authorization: as('bob'),
        'x-knot-profile': 'alice',
      });
      expect(res.status).toBe(403);
    }
  });
});

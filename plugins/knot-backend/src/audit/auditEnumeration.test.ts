import { mockCredentials } from '@backstage/backend-test-utils';
import {
  AUDIT_ACTION_NAMES,
  AUDIT_ACTIONS_RECORDED_ELSEWHERE,
  type AuditAction,
  type AuditResult,
} from '@knot-platform/plugin-knot-common';
import {
  createTestDatabases,
  formAction,
  loadOpenidClient,
  seedKnotUsers,
  startKnotTestBackend,
  TestBrowser,
} from '@knot-platform/knot-test-utils';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';

const client = loadOpenidClient();
const databases = createTestDatabases();

jest.setTimeout(180_000);

const REDIRECT = 'http://rp.example/callback';
const DATASET_SECRET = 'DATASET-SECRET-KEY-0123456789';
const VALUE_SECRET = 'VALUE-SECRET-0123456789';

const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

/**
 * How one action is driven through the real routers, and the entry it must
 * leave: who acted, as which profile, with what result. Actions on the
 * cluster (helm, Kubernetes, the registry) fail here — this backend has no
 * cluster — and must still leave exactly one entry, marked as a failure.
 */
interface Driver {
  actor: string;
  actingProfile: string;
  result: AuditResult;
  run: (ctx: Context) => Promise<unknown>;
}

interface Context {
  server: Server;
  knex: Awaited<ReturnType<typeof databases.init>>;
  privateDir: string;
  issuer: string;
}

const call = (
  ctx: Context,
  method: 'get' | 'post' | 'put' | 'patch' | 'delete',
  url: string,
  user: string,
  options: { profile?: string; body?: object; expect?: number } = {},
) => {
  const req = request(ctx.server)
    [method](`/api/knot${url}`)
    .set('Authorization', as(user));
  if (options.profile) req.set('x-knot-profile', options.profile);
  return req.send(options.body ?? {}).then(res => {
    if (options.expect !== undefined && res.status !== options.expect) {
      throw new Error(
        `${method.toUpperCase()} ${url} by ${user}: ${res.status} ${res.text}`,
      );
    }
    return res;
  });
};

/** An authorization request of the test client, with PKCE. */
async function authorizationUrl(issuer: string): Promise<string> {
  const rp = await client.discovery(
    new URL(issuer),
    'rp',
    undefined,
    client.ClientSecretBasic('rp-secret'),
    { execute: [client.allowInsecureRequests] },
  );
  const verifier = client.randomPKCECodeVerifier();
  return client.buildAuthorizationUrl(rp, {
    redirect_uri: REDIRECT,
    scope: 'openid',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: client.randomState(),
  }).href;
}

/**
 * Every action of the catalogue recorded by code on main, with its driver.
 * Order matters: each driver finds what the ones before it left. A new
 * action in the catalogue without a driver here fails the first test.
 */
const DRIVERS: Array<[AuditAction, Driver]> = [
  [
    'user.signUp',
    {
      actor: 'erin',
      actingProfile: 'erin',
      result: 'success',
      run: async ctx => {
        const browser = new TestBrowser(REDIRECT);
        const login = await browser.go(await authorizationUrl(ctx.issuer));
        const signupUrl = formAction(login.body, login.url).replace(
          /\/login$/,
          '/signup',
        );
        const signup = await browser.go(signupUrl);
        const done = await browser.go(formAction(signup.body, signup.url), {
          username: 'erin',
          password: 'erin password',
        });
        expect(done.status).toBe(201);
      },
    },
  ],
  [
    'user.approve',
    {
      actor: 'dana',
      actingProfile: 'dana',
      result: 'success',
      run: ctx =>
        call(ctx, 'patch', '/users/erin', 'dana', {
          body: { active: true },
          expect: 200,
        }),
    },
  ],
  [
    'oidc.grant',
    {
      actor: 'erin',
      actingProfile: 'erin',
      result: 'success',
      run: async ctx => {
        const browser = new TestBrowser(REDIRECT);
        const login = await browser.go(await authorizationUrl(ctx.issuer));
        const consent = await browser.go(formAction(login.body, login.url), {
          username: 'erin',
          password: 'erin password',
        });
        expect(consent.body).toContain('Allow access?');
        const done = await browser.go(
          formAction(consent.body, consent.url),
          {},
        );
        expect(done.location).toMatch(/^http:\/\/rp\.example\/callback\?/);
      },
    },
  ],
  [
    'quota.change',
    {
      actor: 'dana',
      actingProfile: 'dana',
      result: 'success',
      run: ctx =>
        call(ctx, 'put', '/admin/quotas/alice', 'dana', {
          body: { quota: { pods: '4' } },
          expect: 200,
        }),
    },
  ],
  [
    'user.setAdmin',
    {
      actor: 'dana',
      actingProfile: 'dana',
      result: 'success',
      run: ctx =>
        call(ctx, 'patch', '/users/frank', 'dana', {
          body: { admin: true },
          expect: 200,
        }),
    },
  ],
  [
    'user.deactivate',
    {
      actor: 'dana',
      actingProfile: 'dana',
      result: 'success',
      run: ctx =>
        call(ctx, 'patch', '/users/frank', 'dana', {
          body: { active: false },
          expect: 200,
        }),
    },
  ],
  [
    'user.delete',
    {
      actor: 'dana',
      actingProfile: 'dana',
      result: 'success',
      run: ctx => call(ctx, 'delete', '/users/frank', 'dana', { expect: 204 }),
    },
  ],
  [
    'team.create',
    {
      actor: 'alice',
      actingProfile: 'alice',
      result: 'success',
      run: ctx =>
        call(ctx, 'post', '/me/teams', 'alice', {
          body: { name: 'lab' },
          expect: 201,
        }),
    },
  ],
  [
    'team.invite',
    {
      actor: 'alice',
      actingProfile: 'alice',
      result: 'success',
      run: ctx =>
        call(ctx, 'post', '/me/teams/lab/invitations', 'alice', {
          body: { username: 'bob', role: 'member' },
          expect: 201,
        }),
    },
  ],
  [
    'team.cancelInvitation',
    {
      actor: 'alice',
      actingProfile: 'alice',
      result: 'success',
      run: ctx =>
        call(ctx, 'delete', '/me/teams/lab/invitations/bob', 'alice', {
          expect: 204,
        }),
    },
  ],
  [
    'team.declineInvitation',
    {
      actor: 'bob',
      actingProfile: 'bob',
      result: 'success',
      run: async ctx => {
        // The invitation itself is not what this driver records.
        await ctx.knex('knot_team_invitations').insert({
          team: 'lab',
          invitee: 'bob',
          role: 'member',
          invited_by: 'alice',
          created_at: new Date(),
        });
        await call(ctx, 'post', '/me/invitations/lab/decline', 'bob', {
          expect: 204,
        });
      },
    },
  ],
  [
    'team.addMember',
    {
      actor: 'dana',
      actingProfile: 'dana',
      result: 'success',
      run: ctx =>
        call(ctx, 'post', '/teams/lab/members', 'dana', {
          body: { username: 'carol' },
          expect: 200,
        }),
    },
  ],
  [
    'team.setRole',
    {
      actor: 'alice',
      actingProfile: 'alice',
      result: 'success',
      run: ctx =>
        call(ctx, 'put', '/me/teams/lab/members/carol/role', 'alice', {
          body: { role: 'viewer' },
          expect: 204,
        }),
    },
  ],
  [
    'team.removeMember',
    {
      actor: 'alice',
      actingProfile: 'alice',
      result: 'success',
      run: ctx =>
        call(ctx, 'delete', '/me/teams/lab/members/carol', 'alice', {
          expect: 204,
        }),
    },
  ],
  [
    'team.approve',
    {
      actor: 'dana',
      actingProfile: 'dana',
      result: 'success',
      run: async ctx => {
        const now = new Date();
        await ctx.knex('knot_users').insert({
          username: 'waiting',
          is_team: true,
          active: false,
          admin: false,
          created_at: now,
          updated_at: now,
          approved_at: null,
        });
        await call(ctx, 'patch', '/teams/waiting', 'dana', {
          body: { active: true },
          expect: 200,
        });
      },
    },
  ],
  [
    'team.delete',
    {
      actor: 'dana',
      actingProfile: 'dana',
      result: 'success',
      run: ctx =>
        call(ctx, 'delete', '/teams/waiting', 'dana', { expect: 204 }),
    },
  ],
  [
    'profile.switch',
    {
      actor: 'alice',
      actingProfile: 'lab',
      result: 'success',
      run: ctx =>
        call(ctx, 'post', '/profile/switch', 'alice', {
          profile: 'lab',
          expect: 200,
        }),
    },
  ],
  [
    'impersonation.start',
    {
      actor: 'dana',
      actingProfile: 'alice',
      result: 'success',
      run: ctx =>
        call(ctx, 'post', '/profile/switch', 'dana', {
          profile: 'alice',
          expect: 200,
        }),
    },
  ],
  [
    'impersonation.stop',
    {
      actor: 'dana',
      actingProfile: 'alice',
      result: 'success',
      run: ctx =>
        call(ctx, 'post', '/profile/switch', 'dana', {
          body: { previous: 'alice' },
          expect: 200,
        }),
    },
  ],
  [
    'service.deploy',
    {
      actor: 'carol',
      actingProfile: 't',
      result: 'failure',
      run: ctx =>
        call(ctx, 'post', '/services', 'carol', {
          profile: 't',
          body: { chart: 'hello', name: 'web' },
        }),
    },
  ],
  [
    'service.start',
    {
      actor: 'alice',
      actingProfile: 'alice',
      // No cluster here: the attempt is recorded as failed.
      result: 'failure',
      run: ctx => call(ctx, 'post', '/services/web/start', 'alice', {}),
    },
  ],
  [
    'service.upgrade',
    {
      actor: 'alice',
      actingProfile: 'alice',
      result: 'failure',
      run: ctx =>
        call(ctx, 'put', '/services/web/values', 'alice', {
          body: { values: { password: VALUE_SECRET } },
        }),
    },
  ],
  [
    'service.delete',
    {
      actor: 'dana',
      actingProfile: 'alice',
      result: 'failure',
      run: ctx =>
        call(ctx, 'delete', '/services/web', 'dana', { profile: 'alice' }),
    },
  ],
  [
    'share.grant',
    {
      actor: 'alice',
      actingProfile: 'alice',
      result: 'failure',
      run: ctx =>
        call(ctx, 'post', '/services/web/shares', 'alice', {
          body: { grantee: 'bob' },
        }),
    },
  ],
  [
    'share.revoke',
    {
      actor: 'alice',
      actingProfile: 'alice',
      result: 'failure',
      run: ctx => call(ctx, 'delete', '/services/web/shares/bob', 'alice'),
    },
  ],
  [
    'file.rename',
    {
      actor: 'alice',
      actingProfile: 'alice',
      result: 'success',
      run: async ctx => {
        await call(ctx, 'get', '/files/private/list', 'alice', { expect: 200 });
        fs.writeFileSync(path.join(ctx.privateDir, 'alice', 'a.txt'), 'a');
        await call(ctx, 'post', '/files/private/rename', 'alice', {
          body: { from: 'a.txt', to: 'b.txt' },
          expect: 200,
        });
      },
    },
  ],
  [
    'file.delete',
    {
      actor: 'alice',
      actingProfile: 'alice',
      result: 'success',
      run: ctx =>
        call(ctx, 'delete', '/files/private?path=b.txt', 'alice', {
          expect: 204,
        }),
    },
  ],
  [
    'dataset.create',
    {
      actor: 'alice',
      actingProfile: 'alice',
      result: 'failure',
      run: ctx =>
        call(ctx, 'post', '/datasets', 'alice', {
          body: {
            type: 's3',
            name: 'data',
            endpoint: 'https://s3.example.com',
            bucket: 'bucket',
            accessKey: 'ACCESS',
            secretKey: DATASET_SECRET,
          },
        }),
    },
  ],
  [
    'dataset.delete',
    {
      actor: 'alice',
      actingProfile: 'alice',
      result: 'failure',
      run: ctx => call(ctx, 'delete', '/datasets/data', 'alice'),
    },
  ],
  [
    'image.create',
    {
      actor: 'alice',
      actingProfile: 'alice',
      result: 'failure',
      run: ctx =>
        call(ctx, 'put', '/images/upload?repository=alice/x&tag=1', 'alice'),
    },
  ],
  [
    'image.pushGrant',
    {
      actor: 'alice',
      actingProfile: 'alice',
      result: 'failure',
      run: ctx =>
        call(ctx, 'post', '/images/pushes', 'alice', {
          body: { repository: 'alice/x', tag: '1', blobs: [] },
        }),
    },
  ],
  [
    'image.delete',
    {
      actor: 'dana',
      actingProfile: 'dana',
      result: 'failure',
      run: ctx =>
        call(ctx, 'delete', '/images?repository=alice/x&tag=1', 'dana'),
    },
  ],
];

/**
 * The same actions by other routes (admin and self-service variants): each
 * must leave exactly one entry too.
 */
const VARIANTS: Array<[AuditAction, Driver]> = [
  [
    'team.create',
    {
      actor: 'dana',
      actingProfile: 'dana',
      result: 'success',
      run: ctx =>
        call(ctx, 'post', '/teams', 'dana', {
          body: { name: 'ops', members: ['bob'] },
          expect: 201,
        }),
    },
  ],
  [
    'team.addMember',
    {
      actor: 'bob',
      actingProfile: 'bob',
      result: 'success',
      run: async ctx => {
        await ctx.knex('knot_team_invitations').insert({
          team: 'lab',
          invitee: 'bob',
          role: 'member',
          invited_by: 'alice',
          created_at: new Date(),
        });
        await call(ctx, 'post', '/me/invitations/lab/accept', 'bob', {
          expect: 204,
        });
      },
    },
  ],
  [
    'team.setRole',
    {
      actor: 'alice',
      actingProfile: 'alice',
      result: 'success',
      run: ctx =>
        call(ctx, 'post', '/me/teams/lab/transfer', 'alice', {
          body: { username: 'bob' },
          expect: 204,
        }),
    },
  ],
  [
    'team.removeMember',
    {
      actor: 'alice',
      actingProfile: 'alice',
      result: 'success',
      run: ctx =>
        call(ctx, 'post', '/me/teams/lab/leave', 'alice', { expect: 204 }),
    },
  ],
  [
    'team.removeMember',
    {
      actor: 'dana',
      actingProfile: 'dana',
      result: 'success',
      run: ctx =>
        call(ctx, 'delete', '/teams/ops/members/bob', 'dana', { expect: 200 }),
    },
  ],
];

describe.each(databases.eachSupportedId())(
  'the audit log of every platform action on %p',
  databaseId => {
    let ctx: Context;

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      const base = fs.realpathSync(
        fs.mkdtempSync(path.join(os.tmpdir(), 'knot-audit-')),
      );
      const privateDir = path.join(base, 'private');
      const { server } = (await startKnotTestBackend({
        knex,
        config: {
          app: { baseUrl: 'http://localhost:3000' },
          knot: {
            storage: { privateDir, sharedDir: path.join(base, 'shared') },
            identity: {
              oidc: {
                clients: [
                  {
                    clientId: 'rp',
                    clientSecret: 'rp-secret',
                    redirectUris: [REDIRECT],
                  },
                ],
              },
            },
          },
        },
      })) as unknown as { server: Server };
      await seedKnotUsers(knex, {
        users: ['alice', 'bob', 'carol', 'frank'],
        admins: ['dana'],
        teams: { t: ['carol'] },
      });
      const port = (server.address() as AddressInfo).port;
      ctx = {
        server,
        knex,
        privateDir,
        issuer: `http://localhost:${port}/api/knot/oidc`,
      };
    });

    const entriesAfter = async (id: number) =>
      ctx.knex('knot_audit_log').where('id', '>', id).orderBy('id').select('*');
    const lastId = async () =>
      Number(
        (await ctx.knex('knot_audit_log').max('id as id').first())?.id ?? 0,
      );

    it('has a driver for every action recorded on main', () => {
      const driven = new Set(DRIVERS.map(([action]) => action));
      const missing = AUDIT_ACTION_NAMES.filter(
        action =>
          !driven.has(action) &&
          !AUDIT_ACTIONS_RECORDED_ELSEWHERE.includes(action),
      );
      expect(missing).toEqual([]);
    });

    it('records exactly one entry per action, with its actor and acting profile', async () => {
      const wrong: string[] = [];
      for (const [action, driver] of [...DRIVERS, ...VARIANTS]) {
        const before = await lastId();
        await driver.run(ctx);
        const rows = await entriesAfter(before);
        const got = rows.map(
          r => `${r.action} ${r.actor} as ${r.acting_profile}: ${r.result}`,
        );
        const want = `${action} ${driver.actor} as ${driver.actingProfile}: ${driver.result}`;
        if (got.length !== 1 || got[0] !== want) {
          wrong.push(`${want} — got [${got.join('; ')}]`);
        }
      }
      expect(wrong).toEqual([]);
    });

    it('keeps secrets, keys and file contents out of the log', async () => {
      const all = JSON.stringify(await entriesAfter(0));
      expect(all).not.toContain(DATASET_SECRET);
      expect(all).not.toContain(VALUE_SECRET);
      expect(all).not.toContain('erin password');
      expect(all).not.toContain('rp-secret');
    });

    it('lets an admin filter by user and export, and shows others only their own', async () => {
      const total = (await entriesAfter(0)).length;
      const byAlice = await call(ctx, 'get', '/audit?user=alice', 'dana', {
        expect: 200,
      });
      expect(byAlice.body.items.length).toBeGreaterThan(3);
      expect(
        byAlice.body.items.every((e: { actor: string }) => e.actor === 'alice'),
      ).toBe(true);
      expect(byAlice.body.items.length).toBe(
        (await ctx.knex('knot_audit_log').where({ actor: 'alice' })).length,
      );

      // bob acts as himself and his teams only: entries by or about others
      // stay hidden, whatever he filters by.
      const bobs = [
        'bob',
        ...(await ctx
          .knex('knot_team_members')
          .where({ member: 'bob' })
          .pluck('team')),
      ];
      const mine = await call(ctx, 'get', '/audit', 'bob', { expect: 200 });
      const about = (e: { actingProfile?: string; targetProfile?: string }) =>
        bobs.includes(e.actingProfile!) || bobs.includes(e.targetProfile!);
      expect(mine.body.items.length).toBe(
        (await entriesAfter(0)).filter(r =>
          about({
            actingProfile: r.acting_profile,
            targetProfile: r.target_profile,
          }),
        ).length,
      );
      expect(mine.body.items.every(about)).toBe(true);
      const spying = await call(ctx, 'get', '/audit?user=dana', 'bob', {
        expect: 200,
      });
      expect(spying.body.items.every(about)).toBe(true);
      expect(spying.body.items.length).toBeLessThan(
        (await ctx.knex('knot_audit_log').where({ actor: 'dana' })).length,
      );
      // alice sees what an admin did while impersonating her.
      const aliceOwn = await call(ctx, 'get', '/audit', 'alice', {
        expect: 200,
      });
      expect(
        aliceOwn.body.items.map((e: { action: string }) => e.action),
      ).toEqual(
        expect.arrayContaining(['impersonation.start', 'impersonation.stop']),
      );

      // Export: admins only, every entry, CSV or JSON lines.
      await call(ctx, 'get', '/audit/export?format=csv', 'bob', {
        expect: 403,
      });
      const csv = await call(ctx, 'get', '/audit/export?format=csv', 'dana', {
        expect: 200,
      });
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.text.trim().split('\n')).toHaveLength(total + 1);
      const json = await call(ctx, 'get', '/audit/export?format=json', 'dana', {
        expect: 200,
      });
      const lines = json.text
        .trim()
        .split('\n')
        .map(line => JSON.parse(line));
      expect(lines).toHaveLength(total);

      // Bad filters: a clear 400.
      const bad = await call(ctx, 'get', '/audit?action=nope', 'dana');
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('not an audited action');
    });

    it("shows whoever takes a deleted profile's name none of its entries", async () => {
      await seedKnotUsers(ctx.knex, {
        users: ['gina', 'hank', 'ivy'],
        teams: { research: ['gina'] },
      });
      const switchTo = (user: string, profile: string) =>
        call(ctx, 'post', '/profile/switch', user, { profile, expect: 200 });
      const start = await lastId();
      await switchTo('gina', 'research');
      await switchTo('dana', 'ivy');
      await call(ctx, 'patch', '/users/ivy', 'dana', {
        body: { admin: false },
        expect: 200,
      });
      await call(ctx, 'delete', '/teams/research', 'dana', { expect: 204 });
      await call(ctx, 'delete', '/users/ivy', 'dana', { expect: 204 });
      const deleted = await lastId();
      // A deleted user's unexpired session reads nothing under the name.
      const gone = await call(ctx, 'get', '/audit', 'ivy', { expect: 200 });
      expect(gone.body.items).toEqual([]);
      // Times are kept to the millisecond: the new profiles come later.
      await new Promise(resolve => setTimeout(resolve, 5));
      await call(ctx, 'post', '/me/teams', 'hank', {
        body: { name: 'research' },
        expect: 201,
      });
      await seedKnotUsers(ctx.knex, { users: ['ivy'] });
      await switchTo('hank', 'research');
      await switchTo('dana', 'ivy');

      /** Ids of the entries about `profile` in (after, upTo], newest first. */
      const about = async (profile: string, after: number, upTo = Infinity) =>
        (await entriesAfter(after))
          .filter(
            r =>
              Number(r.id) <= upTo &&
              (r.acting_profile === profile || r.target_profile === profile),
          )
          .map(r => Number(r.id))
          .reverse();
      const seen = async (url: string, user: string, profile: string) =>
        (await call(ctx, 'get', url, user, { expect: 200 })).body.items
          .filter(
            (e: { actingProfile?: string; targetProfile?: string }) =>
              e.actingProfile === profile || e.targetProfile === profile,
          )
          .map((e: { id: number }) => e.id);

      const oldResearch = await about('research', start, deleted);
      const newResearch = await about('research', deleted);
      expect(oldResearch).toHaveLength(2);
      expect(newResearch).toHaveLength(2);
      expect(await seen('/audit', 'hank', 'research')).toEqual(newResearch);
      expect(await seen('/audit?profile=research', 'hank', 'research')).toEqual(
        newResearch,
      );

      const oldIvy = await about('ivy', start, deleted);
      const newIvy = await about('ivy', deleted);
      expect(oldIvy).toHaveLength(3);
      expect(newIvy).toHaveLength(1);
      expect(await seen('/audit', 'ivy', 'ivy')).toEqual(newIvy);
      expect(await seen('/audit?profile=ivy', 'ivy', 'ivy')).toEqual(newIvy);

      // Admins read the whole log, the old profiles' entries included.
      expect(await seen('/audit?profile=research', 'dana', 'research')).toEqual(
        [...newResearch, ...oldResearch],
      );
      expect(await seen('/audit?profile=ivy', 'dana', 'ivy')).toEqual([
        ...newIvy,
        ...oldIvy,
      ]);
    });

    it('records the address Express sees, not a forged X-Forwarded-For', async () => {
      const before = await lastId();
      const res = await request(ctx.server)
        .post('/api/knot/profile/switch')
        .set('Authorization', as('carol'))
        .set('x-knot-profile', 't')
        .set('X-Forwarded-For', '203.0.113.66')
        .send({});
      expect(res.status).toBe(200);
      const [row] = await entriesAfter(before);
      expect(row.action).toBe('profile.switch');
      // No backend.trustProxy here: the TCP peer, this test.
      expect(row.source_ip).toMatch(/127\.0\.0\.1|::1/);
    });

    it('never fails an action whose audit entry cannot be written', async () => {
      await ctx.knex.schema.renameTable('knot_audit_log', 'knot_audit_gone');
      try {
        await call(ctx, 'patch', '/users/bob', 'dana', {
          body: { admin: true },
          expect: 200,
        });
        const bob = await ctx
          .knex('knot_users')
          .where({ username: 'bob' })
          .first();
        expect(Boolean(bob.admin)).toBe(true);
        const health = await call(ctx, 'get', '/health', 'bob', {
          expect: 200,
        });
        expect(health.body.auditWriteFailures).toBe(1);
      } finally {
        await ctx.knex.schema.renameTable('knot_audit_gone', 'knot_audit_log');
      }
    });
  },
);

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  createTestDatabases,
  describeWithCluster,
  eventually,
  removeProvisionedProfiles,
  startKnotTestBackend,
  testKubeClient,
  testKubeconfig,
} from '@knot-platform/knot-test-utils';
import request from 'supertest';
import { UserStore } from './identity/UserStore';

jest.setTimeout(180_000);

const databases = createTestDatabases();

/**
 * Self-service teams through the real plugin (its routes, the user store,
 * provisioning's reaction to each change) against the real API server:
 * membership reaches the team namespace's RoleBindings, the catalog Group
 * and Knot's API at once, in both directions.
 */
describeWithCluster('self-service teams reach the cluster at once', () => {
  const run = Math.random().toString(36).slice(2, 7);
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(n => `${n}-${run}`);
  const team = `proj-${run}`;
  const prefix = `kt${run}-`;
  const teamNs = `${prefix}${team}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-teams-'));
  const rbac = testKubeClient(lib => lib.RbacAuthorizationV1Api);
  const authz = testKubeClient(lib => lib.AuthorizationV1Api);
  let server: Parameters<typeof request>[0];

  const as = (user: string) =>
    mockCredentials.user.header(`user:default/${user}`);
  const call = (user: string, actingAs?: string) => {
    const set = (r: request.Test) => {
      r.set('Authorization', as(user));
      return actingAs ? r.set('x-knot-profile', actingAs) : r;
    };
    return {
      get: (p: string) => set(request(server).get(`/api/knot${p}`)),
      post: (p: string, body: object = {}) =>
        set(request(server).post(`/api/knot${p}`)).send(body),
      put: (p: string) => set(request(server).put(`/api/knot${p}`)),
      delete: (p: string) => set(request(server).delete(`/api/knot${p}`)),
    };
  };

  /** What a member's own namespace token may do in the team's namespace. */
  async function tokenMay(
    member: string,
    verb: string,
    group: string,
    resource: string,
  ): Promise<boolean> {
    const ns = `${prefix}${member}`;
    const review = await authz.createSubjectAccessReview({
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: `system:serviceaccount:${ns}:default`,
          groups: [
            'system:serviceaccounts',
            `system:serviceaccounts:${ns}`,
            'system:authenticated',
          ],
          resourceAttributes: { namespace: teamNs, verb, group, resource },
        },
      },
    });
    return Boolean(review.status?.allowed);
  }

  async function subjects(name: string): Promise<string[]> {
    try {
      const binding = await rbac.readNamespacedRoleBinding({
        namespace: teamNs,
        name,
      });
      return (binding.subjects ?? []).map(s => `${s.namespace}/${s.name}`);
    } catch (error) {
      if ((error as { code?: number }).code === 404) return [];
      throw error;
    }
  }

  beforeAll(async () => {
    const knex = await databases.init('SQLITE_3');
    ({ server } = await startKnotTestBackend({
      knex,
      config: {
        knot: {
          namespacePrefix: prefix,
          kubernetes: { kubeconfig: testKubeconfig()! },
          storage: {
            privateDir: path.join(dir, 'private'),
            sharedDir: path.join(dir, 'shared'),
          },
          // Other suites share the cluster: never sweep their namespaces.
          provisioning: { removeOrphans: false },
        },
      },
    }));
    // The members exist (their own namespaces do not matter here).
    const store = new UserStore(knex);
    for (const user of [alice, bob, carol]) {
      await store.signUp({ username: user, password: `${user} password` });
      await store.setActive(user, true);
    }
  });

  afterAll(async () => {
    await removeProvisionedProfiles([team], prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('binds, lists and refuses as membership changes; the data stays', async () => {
    expect((await call(alice).post('/me/teams', { name: team })).status).toBe(
      201,
    );
    for (const [user, role] of [
      [bob, 'member'],
      [carol, 'viewer'],
    ]) {
      expect(
        (
          await call(alice).post(`/me/teams/${team}/invitations`, {
            username: user,
            role,
          })
        ).status,
      ).toBe(201);
      expect(
        (await call(user).post(`/me/invitations/${team}/accept`)).status,
      ).toBe(204);
    }

    // The namespace's RoleBindings list the members' ServiceAccounts.
    const sa = (user: string) => [
      `${prefix}${user}/default`,
      `${prefix}${user}/knot`,
    ];
    await eventually('team provisioned', async () =>
      (await subjects('knot-viewers')).length > 0 ? true : undefined,
    );
    expect(await subjects('knot-members')).toEqual([...sa(alice), ...sa(bob)]);
    expect(await subjects('knot-viewers')).toEqual(sa(carol));
    expect(await tokenMay(bob, 'create', 'apps', 'deployments')).toBe(true);
    expect(await tokenMay(carol, 'list', '', 'pods')).toBe(true);
    expect(await tokenMay(carol, 'create', 'apps', 'deployments')).toBe(false);
    expect(await tokenMay(carol, 'delete', '', 'pods')).toBe(false);

    // The catalog Group lists all three.
    const entities = await request(server)
      .get('/api/knot/catalog/entities/profiles')
      .set('Authorization', mockCredentials.service.header());
    expect(entities.status).toBe(200);
    const group = entities.body.items
      .map(
        (i: { entity: { kind: string; metadata: { name: string } } }) =>
          i.entity,
      )
      .find(
        (e: { kind: string; metadata: { name: string } }) =>
          e.kind === 'Group' && e.metadata.name === team,
      );
    expect(group?.spec.members).toEqual([alice, bob, carol]);

    // bob works as the team; carol may look but not change.
    const written = await call(bob, team)
      .put('/files/private/file?path=notes.txt')
      .set('Content-Type', 'application/octet-stream')
      .send(Buffer.from('team notes'));
    expect(written.status).toBe(200);
    expect(
      (await call(carol, team).get('/files/private/list?path=')).status,
    ).toBe(200);
    const viewerWrites = [
      await call(carol, team)
        .put('/files/private/file?path=notes.txt')
        .set('Content-Type', 'application/octet-stream')
        .send(Buffer.from('overwritten')),
      await call(carol, team).post('/services', { name: 'x' }),
      await call(carol, team).delete('/services/x'),
      await call(carol, team).delete('/files/private?path=notes.txt'),
    ];
    expect(viewerWrites.map(r => r.status)).toEqual([403, 403, 403, 403]);

    // bob leaves: when the answer comes, his rights are gone everywhere.
    expect((await call(bob).post(`/me/teams/${team}/leave`)).status).toBe(204);
    expect(
      (await call(bob, team).get('/files/private/list?path=')).status,
    ).toBe(403);
    expect((await call(bob, team).get('/services')).status).toBe(403);
    expect(
      (await call(bob, team).get('/files/private/download?path=notes.txt'))
        .status,
    ).toBe(403);
    expect(await subjects('knot-members')).toEqual(sa(alice));
    expect(await tokenMay(bob, 'create', 'apps', 'deployments')).toBe(false);
    expect(await tokenMay(bob, 'list', '', 'pods')).toBe(false);
    // The team's data stays.
    const kept = await call(alice, team).get(
      '/files/private/download?path=notes.txt',
    );
    expect(kept.status).toBe(200);
    expect(kept.text ?? kept.body.toString()).toBe('team notes');
  });
});

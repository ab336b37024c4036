import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  createTestDatabases,
  describeWithCluster,
  removeProvisionedProfiles,
  startKnotTestBackend,
  testKubeClient,
  testKubeconfig,
} from '@knot-platform/knot-test-utils';
import request from 'supertest';
import { UserStore } from './identity/UserStore';

jest.setTimeout(90_000);

const databases = createTestDatabases();

/**
 * The wiring of plugin.ts: a change in the user store (approval, a new team,
 * a deletion) provisions or removes the profile's namespace at once, without
 * waiting for the periodic reconcile (every 5 minutes).
 */
describeWithCluster('provisioning follows the user store', () => {
  const run = Math.random().toString(36).slice(2, 7);
  const admin = `adm-${run}`;
  const dave = `dave-${run}`;
  const team = `team-${run}`;
  const prefix = `kp${run}-`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-prov-store-'));
  const core = async () => testKubeClient(lib => lib.CoreV1Api);

  /** The namespace's phase: `Active`, `Terminating` or `absent`. */
  async function phase(name: string): Promise<string> {
    try {
      const ns = await (await core()).readNamespace({ name });
      return ns.status?.phase ?? 'unknown';
    } catch (error) {
      if ((error as { code?: number }).code === 404) return 'absent';
      throw error;
    }
  }

  async function eventually(name: string, wanted: string[]): Promise<string> {
    const deadline = Date.now() + 30_000;
    let seen = await phase(name);
    while (!wanted.includes(seen) && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 250));
      seen = await phase(name);
    }
    return seen;
  }

  afterAll(async () => {
    await removeProvisionedProfiles([admin, dave, team], prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('provisions on approval and team creation, removes on deletion', async () => {
    process.env.KNOT_TEST_PROV_ADMIN_PASSWORD = 'admin password';
    const knex = await databases.init('SQLITE_3');
    const { server } = await startKnotTestBackend({
      knex,
      config: {
        knot: {
          namespacePrefix: prefix,
          kubernetes: { kubeconfig: testKubeconfig()! },
          identity: {
            admin: {
              username: admin,
              passwordEnv: 'KNOT_TEST_PROV_ADMIN_PASSWORD',
            },
          },
          storage: {
            privateDir: path.join(dir, 'private'),
            sharedDir: path.join(dir, 'shared'),
          },
          // Other suites share the cluster: never sweep their namespaces.
          provisioning: { removeOrphans: false },
        },
      },
    });
    const asAdmin = mockCredentials.user.header(`user:default/${admin}`);

    // Signed up, not yet approved: nothing in the cluster.
    await new UserStore(knex).signUp({
      username: dave,
      password: 'dave password',
    });
    expect(await phase(`${prefix}${dave}`)).toBe('absent');

    const approved = await request(server)
      .patch(`/api/knot/users/${dave}`)
      .set('Authorization', asAdmin)
      .send({ active: true });
    expect(approved.status).toBe(200);
    expect(await eventually(`${prefix}${dave}`, ['Active'])).toBe('Active');
    expect(fs.existsSync(path.join(dir, 'private', dave))).toBe(true);

    const created = await request(server)
      .post('/api/knot/teams')
      .set('Authorization', asAdmin)
      .send({ name: team, members: [dave] });
    expect(created.status).toBe(201);
    expect(await eventually(`${prefix}${team}`, ['Active'])).toBe('Active');

    const deleted = await request(server)
      .delete(`/api/knot/users/${dave}`)
      .set('Authorization', asAdmin);
    expect(deleted.status).toBe(204);
    expect(
      await eventually(`${prefix}${dave}`, ['Terminating', 'absent']),
    ).toMatch(/^(Terminating|absent)$/);
    // The team stays.
    expect(await phase(`${prefix}${team}`)).toBe('Active');
  });
});

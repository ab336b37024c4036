import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  createProfileNamespace,
  createTestDatabases,
  describeWithCluster,
  removeProvisionedProfiles,
  seedKnotUsers,
  startKnotTestBackend,
  testIngress,
  testKubeClient,
  testKubeconfig,
  testUsername,
} from '@knot-platform/knot-test-utils';
import request from 'supertest';
import { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import { ServiceHostClaimsReader } from '../kubernetes/ServiceHostClaimsReader';
import { serviceHostNameCheck } from './serviceHostNameCheck';
import { UserStore } from './UserStore';

jest.setTimeout(60_000);

const DOMAIN = 'knot.test';
const databases = createTestDatabases();

/**
 * Issue 13 item 1, at the profiles' side: with doe's service `my-app-john`
 * at `my-app-john-doe.<domain>`, no new profile may be named `john-doe`
 * (the hostname would then read as john-doe's, and doe would lose it).
 */
describeWithCluster('new profile names against the services of others', () => {
  const doe = testUsername('doe');
  const admin = testUsername('adm');
  // Profiles whose names would read doe's service hostnames as their own.
  const johnDoe = `john-${doe}`;
  const janeDoe = `jane-${doe}`;
  const teamDoe = `team-${doe}`;
  let profile: Awaited<ReturnType<typeof createProfileNamespace>>;

  beforeAll(async () => {
    profile = await createProfileNamespace(doe);
    const networking = testKubeClient(lib => lib.NetworkingV1Api);
    for (const [name, host] of [
      ['my-app-john', `my-app-john-${doe}.${DOMAIN}`],
      ['x-jane', `x-jane-${doe}.${DOMAIN}`],
      ['x-team', `x-team-${doe}.${DOMAIN}`],
    ]) {
      await networking.createNamespacedIngress({
        namespace: profile.namespace,
        body: testIngress(name, host, name),
      });
    }
  });

  afterAll(async () => {
    await profile?.remove();
    await removeProvisionedProfiles([admin, johnDoe, janeDoe, teamDoe]);
  });

  it('refuses a sign-up as john-doe while doe serves my-app-john-doe', async () => {
    const knex = await databases.init('SQLITE_3');
    const reader = new ServiceHostClaimsReader(
      new KubernetesClientFactory(testKubeconfig()),
      'knot-',
    );
    const store = await UserStore.create({
      database: { getClient: async () => knex },
      nameCheck: serviceHostNameCheck(
        reader,
        DOMAIN,
        mockServices.logger.mock(),
      ),
    });
    await expect(
      store.signUp({ username: johnDoe, password: 'john password' }),
    ).rejects.toThrow(
      `The name '${johnDoe}' cannot be used: the address my-app-john-${doe}.${DOMAIN} of another profile's service would then read as a service of '${johnDoe}'. Please choose another name`,
    );
    expect(await store.getUser(johnDoe)).toBeUndefined();
    // Names that read no one's hostname pass: doe's own, a longer one.
    await store.signUp({ username: `x${johnDoe}`, password: 'x password' });
    expect(await store.getUser(`x${johnDoe}`)).toBeDefined();
  });

  it('refuses, through the plugin, such a team and the approval of such a user who signed up before the service existed', async () => {
    const knex = await databases.init('SQLITE_3');
    const { server } = await startKnotTestBackend({
      knex,
      config: {
        knot: {
          kubernetes: { kubeconfig: testKubeconfig()! },
          ingress: { domain: DOMAIN },
          provisioning: { removeOrphans: false },
        },
      },
    });
    await seedKnotUsers(knex, { admins: [admin], pending: [janeDoe] });
    const asAdmin = mockCredentials.user.header(`user:default/${admin}`);

    const team = await request(server)
      .post('/api/knot/teams')
      .set('Authorization', asAdmin)
      .send({ name: teamDoe });
    expect(team.status).toBe(400);
    expect(team.body.error.message).toContain(
      `the address x-team-${doe}.${DOMAIN} of another profile's service`,
    );

    const approval = await request(server)
      .patch(`/api/knot/users/${janeDoe}`)
      .set('Authorization', asAdmin)
      .send({ active: true });
    expect(approval.status).toBe(400);
    expect(approval.body.error.message).toContain(
      `The name '${janeDoe}' cannot be used`,
    );
    const users = await knex('knot_users').where({ username: janeDoe });
    expect(users).toMatchObject([{ active: 0, approved_at: null }]);
  });
});

import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { readProvisioningConfig } from './config';
import type { KubeObjects, LiveObject } from './KubeObjects';
import type { KnotObject } from './manifests';
import { profileManifests } from './manifests';
import { ProvisioningReconciler } from './ProvisioningReconciler';
import { REGISTRY_CREDENTIALS_HASH } from './registryPullSecret';
import { startFakeHarbor } from '../harbor/__testUtils__/fakeHarbor';

const alice = { name: 'alice', isTeam: false, active: true };
const storage = { privateDir: '/tmp/p', sharedDir: '/tmp/s' };
const PASSWORD = 'pull-pa55word';

function config(registry?: object) {
  return readProvisioningConfig(
    new ConfigReader({
      knot: { storage, ...(registry && { images: { registry } }) },
    }),
  );
}
const withCredentials = (password = PASSWORD) =>
  config({
    url: 'http://127.0.0.1:5000',
    pullHost: 'registry.knot.internal',
    username: 'knot-pull',
    password,
  });

function decode(secret: object) {
  const data = (secret as { data: Record<string, string> }).data;
  return JSON.parse(
    Buffer.from(data['.dockerconfigjson'], 'base64').toString(),
  );
}

describe('registry pull secret manifests', () => {
  it('writes the credentials for the pull host and lists them on both accounts', () => {
    const m = profileManifests(alice, withCredentials());
    // After the RoleBinding that lets an in-cluster portal write Secrets.
    expect(m.objects.some(o => o.kind === 'Secret')).toBe(false);
    const secret = m.afterObjects!.find(o => o.kind === 'Secret')!;
    expect(secret).toMatchObject({
      type: 'kubernetes.io/dockerconfigjson',
      metadata: { name: 'knot-registry', namespace: 'knot-alice' },
    });
    const auth = decode(secret).auths['registry.knot.internal'];
    expect(auth.username).toBe('knot-pull');
    expect(auth.password).toBe(PASSWORD);
    expect(Buffer.from(auth.auth, 'base64').toString()).toBe(
      `knot-pull:${PASSWORD}`,
    );
    const accounts = m.objects.filter(o => o.kind === 'ServiceAccount');
    expect(accounts.map(a => [a.metadata.name, a.imagePullSecrets])).toEqual([
      ['knot', [{ name: 'knot-registry' }]],
      ['default', [{ name: 'knot-registry' }]],
    ]);
  });

  it('changes the hash annotation with the password, and only then', () => {
    const hash = (c: ReturnType<typeof config>) =>
      profileManifests(alice, c).afterObjects!.find(o => o.kind === 'Secret')!
        .metadata as { annotations: Record<string, string> };
    const a = hash(withCredentials()).annotations[REGISTRY_CREDENTIALS_HASH];
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(hash(withCredentials()).annotations[REGISTRY_CREDENTIALS_HASH]).toBe(
      a,
    );
    expect(
      hash(withCredentials('rotated')).annotations[REGISTRY_CREDENTIALS_HASH],
    ).not.toBe(a);
  });

  it('writes no secret without registry credentials', () => {
    for (const c of [
      config(),
      config({ url: 'http://127.0.0.1:5000' }), // anonymous registry
    ]) {
      const m = profileManifests(alice, c);
      expect(
        [...m.objects, ...(m.afterObjects ?? [])].some(
          o => o.kind === 'Secret',
        ),
      ).toBe(false);
      expect(
        m.objects
          .filter(o => o.kind === 'ServiceAccount')
          .map(o => o.metadata.name),
      ).toEqual(['knot']);
      expect(m.objects[0].imagePullSecrets).toBeUndefined();
    }
  });
});

/** An in-memory API server: what was applied is what is listed. */
function fakeKube() {
  const store = new Map<string, LiveObject>();
  const writes: string[] = [];
  const id = (kind: string, name?: string, namespace?: string) =>
    `${kind}/${namespace ?? ''}/${name}`;
  const kube = {
    async list(_apiVersion: string, kind: string, selector: string) {
      return [...store.values()].filter(
        o =>
          o.kind === kind &&
          selector.split(',').every(s => {
            const [k, v] = s.split('=');
            return o.metadata?.labels?.[k] === v;
          }),
      );
    },
    async apply(object: KnotObject) {
      writes.push(
        `apply ${id(
          object.kind,
          object.metadata.name,
          object.metadata.namespace,
        )}`,
      );
      const live = JSON.parse(JSON.stringify(object)) as LiveObject;
      store.set(
        id(object.kind, object.metadata.name, object.metadata.namespace),
        live,
      );
      return live;
    },
    async delete(_v: string, kind: string, name: string, namespace?: string) {
      writes.push(`delete ${id(kind, name, namespace)}`);
      return store.delete(id(kind, name, namespace));
    },
    async mergePatch() {
      throw new Error('unexpected merge patch');
    },
  };
  return { kube: kube as unknown as KubeObjects, store, writes };
}

describe('registry pull secret reconcile', () => {
  it('writes nothing when unchanged, rewrites on rotation, removes when dropped, never logs the password', async () => {
    const { kube, store, writes } = fakeKube();
    const logger = mockServices.logger.mock();
    const reconciler = (c: ReturnType<typeof config>) =>
      new ProvisioningReconciler({
        kube,
        source: { listProfiles: async () => [alice] },
        config: c,
        logger,
      });
    await reconciler(withCredentials()).reconcileAll();
    expect(writes).toContain('apply Secret/knot-alice/knot-registry');
    expect(writes).toContain('apply ServiceAccount/knot-alice/default');

    writes.length = 0;
    await reconciler(withCredentials()).reconcileAll();
    expect(writes).toEqual([]);

    await reconciler(withCredentials('rotated')).reconcileAll();
    expect(writes).toEqual(['apply Secret/knot-alice/knot-registry']);
    const data = store.get('Secret/knot-alice/knot-registry')!.data!;
    expect(
      Buffer.from(data['.dockerconfigjson'], 'base64').toString(),
    ).toContain('"password":"rotated"');

    writes.length = 0;
    await reconciler(config()).reconcileAll();
    expect(writes.sort()).toEqual([
      'apply ServiceAccount/knot-alice/default',
      'apply ServiceAccount/knot-alice/knot',
      'delete Secret/knot-alice/knot-registry',
    ]);
    // The fake keeps what was applied: Knot's fields are gone from both.
    for (const name of ['knot', 'default']) {
      expect(
        store.get(`ServiceAccount/knot-alice/${name}`)?.imagePullSecrets,
      ).toBeUndefined();
    }
    writes.length = 0;
    await reconciler(config()).reconcileAll();
    expect(writes).toEqual([]);

    const logged = JSON.stringify([
      logger.info.mock.calls,
      logger.warn.mock.calls,
      logger.error.mock.calls,
    ]);
    expect(logged).not.toContain(PASSWORD);
    expect(logged).not.toContain('rotated');
    expect(logged).not.toContain(
      Buffer.from(`knot-pull:${PASSWORD}`).toString('base64'),
    );
  });
});

describe('the pull secret with Harbor (knot.integrations.harbor.api)', () => {
  // The fake checks Knot's Harbor requests against Harbor's published API
  // description; no Harbor server runs.
  const admin = { username: 'admin', password: 'Harbor12345' };

  it('carries the profile robot, rewritten only when rotated, kept while deactivated, never logged', async () => {
    const harbor = await startFakeHarbor({ admin });
    harbor.users.add('alice');
    const { kube, store, writes } = fakeKube();
    const logger = mockServices.logger.mock();
    const harborConfig = (shared = false) =>
      readProvisioningConfig(
        new ConfigReader({
          knot: {
            storage,
            integrations: {
              harbor: {
                url: harbor.url,
                oidc: { clientSecret: 'oidc' },
                api: admin,
              },
            },
            ...(shared && {
              images: {
                registry: {
                  url: 'http://127.0.0.1:5000',
                  pullHost: 'registry.knot.internal',
                  username: 'knot-pull',
                  password: PASSWORD,
                },
              },
            }),
          },
        }),
      );
    const reconcile = (target = alice, c = harborConfig()) =>
      new ProvisioningReconciler({
        kube,
        source: { listProfiles: async () => [target] },
        config: c,
        logger,
      }).reconcileAll();
    const secret = () => store.get('Secret/knot-alice/knot-registry')!;
    const robot = () => [...harbor.robots.values()][0];
    const secrets: string[] = [];

    const first = await reconcile();
    expect(
      first.actions
        .filter(a => a.kind.startsWith('Harbor'))
        .map(a => `${a.action} ${a.kind} ${a.name}`),
    ).toEqual([
      'created HarborProject alice',
      'created HarborMember alice/alice',
      'created HarborRobot robot$knot-alice',
    ]);
    expect(decode(secret()).auths).toEqual({
      [harbor.host]: expect.objectContaining({
        username: 'robot$knot-alice',
        password: robot().secret,
      }),
    });
    expect(secret().metadata?.annotations?.['knot/harbor-robot-id']).toBe(
      String(robot().id),
    );
    for (const name of ['knot', 'default']) {
      expect(
        store.get(`ServiceAccount/knot-alice/${name}`)?.imagePullSecrets,
      ).toEqual([{ name: 'knot-registry' }]);
    }
    secrets.push(robot().secret);

    writes.length = 0;
    expect((await reconcile()).actions).toEqual([]);
    expect(writes).toEqual([]);

    // Changed in Harbor behind Knot's back: the registry refuses it.
    harbor.changeRobotSecret('robot$knot-alice');
    writes.length = 0;
    await reconcile();
    expect(writes).toEqual(['apply Secret/knot-alice/knot-registry']);
    expect(decode(secret()).auths[harbor.host].password).toBe(robot().secret);
    secrets.push(robot().secret);

    // Shared credentials of another registry ride along, after the robot.
    writes.length = 0;
    await reconcile(alice, harborConfig(true));
    expect(writes).toEqual(['apply Secret/knot-alice/knot-registry']);
    expect(Object.keys(decode(secret()).auths)).toEqual([
      harbor.host,
      'registry.knot.internal',
    ]);

    // Deactivated: the robot is disabled, the Secret stays for reactivation.
    writes.length = 0;
    await reconcile({ ...alice, active: false }, harborConfig(true));
    expect(writes.filter(w => w.includes('Secret/'))).toEqual([]);
    expect(robot().disable).toBe(true);

    // Harbor unreachable: reported, the pull secret untouched.
    await harbor.stop();
    writes.length = 0;
    const offline = await reconcile(alice, harborConfig(true));
    expect(offline.actions).toContainEqual(
      expect.objectContaining({
        kind: 'Harbor',
        action: 'failed',
        detail: expect.stringMatching(
          /^Harbor cannot be reached to read project alice/,
        ),
      }),
    );
    expect(writes.filter(w => w.includes('Secret/'))).toEqual([]);
    expect(decode(secret()).auths[harbor.host].password).toBe(secrets[1]);

    const logged = JSON.stringify([
      logger.info.mock.calls,
      logger.warn.mock.calls,
      logger.error.mock.calls,
    ]);
    for (const s of [...secrets, PASSWORD]) expect(logged).not.toContain(s);
    expect(harbor.violations).toEqual([]);
  });
});

import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import type * as k8s from '@kubernetes/client-node';
import {
  createTestDatabases,
  describeWithCluster,
  loadClientNode,
  removeProvisionedProfiles,
  seedKnotUsers,
  startKnotTestBackend,
  testKubeClient,
  testKubeconfig,
} from '@knot-platform/knot-test-utils';
import request from 'supertest';
import {
  KNOT_ROLE_BINDING,
  KNOT_SERVICE_ACCOUNT,
} from '../provisioning/manifests';

jest.setTimeout(300_000);

const databases = createTestDatabases();

/** A resource (or subresource) of the API server, as discovery lists it. */
interface Resource {
  group: string;
  version: string;
  resource: string;
  subresource?: string;
  namespaced: boolean;
  verbs: string[];
}

/** One access to check: who, what, where. */
interface Check {
  who: string;
  kubeConfig: k8s.KubeConfig;
  resource: Resource;
  verb: string;
  namespace?: string;
  name?: string;
}

/**
 * What Kubernetes grants every authenticated identity (system:basic-user,
 * system:discovery): asking what one may do. Allowed everywhere, by design.
 */
const EVERYONE_MAY = new Set([
  'authorization.k8s.io/selfsubjectaccessreviews create',
  'authorization.k8s.io/selfsubjectrulesreviews create',
  'authentication.k8s.io/selfsubjectreviews create',
]);

/** GET `apiPath` of the API server as `kubeConfig`: status and JSON body. */
async function apiGet(
  kubeConfig: k8s.KubeConfig,
  apiPath: string,
): Promise<{ status: number; body: any }> {
  const url = new URL(apiPath, kubeConfig.getCurrentCluster()!.server);
  const options: https.RequestOptions = {
    method: 'GET',
    hostname: url.hostname,
    port: url.port,
    path: `${url.pathname}${url.search}`,
    headers: { accept: 'application/json' },
  };
  await kubeConfig.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    https
      .request(options, res => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', chunk => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }),
        );
      })
      .on('error', reject)
      .end();
  });
}

/** Every resource the API server serves (preferred versions). */
async function discover(kubeConfig: k8s.KubeConfig): Promise<Resource[]> {
  const versions: Array<{ group: string; version: string; path: string }> = [
    { group: '', version: 'v1', path: '/api/v1' },
  ];
  const groups = (await apiGet(kubeConfig, '/apis')).body.groups as Array<{
    name: string;
    preferredVersion: { version: string; groupVersion: string };
  }>;
  for (const g of groups) {
    versions.push({
      group: g.name,
      version: g.preferredVersion.version,
      path: `/apis/${g.preferredVersion.groupVersion}`,
    });
  }
  const out: Resource[] = [];
  for (const v of versions) {
    const list = (await apiGet(kubeConfig, v.path)).body.resources as Array<{
      name: string;
      namespaced: boolean;
      verbs: string[];
    }>;
    for (const r of list) {
      const [resource, subresource] = r.name.split('/');
      out.push({
        group: v.group,
        version: v.version,
        resource,
        subresource,
        namespaced: r.namespaced,
        verbs: r.verbs,
      });
    }
  }
  return out;
}

/** The verbs of `rules` on `r` (an RBAC rule's wildcards included). */
function ruleVerbs(rules: k8s.V1PolicyRule[], r: Resource): string[] {
  const name = r.subresource ? `${r.resource}/${r.subresource}` : r.resource;
  const verbs = new Set<string>();
  for (const rule of rules) {
    if (!rule.apiGroups?.some(g => g === '*' || g === r.group)) continue;
    if (
      !rule.resources?.some(
        x =>
          x === '*' ||
          x === name ||
          (r.subresource && x === `${r.resource}/*`) ||
          (r.subresource && x === `*/${r.subresource}`),
      )
    ) {
      continue;
    }
    for (const verb of rule.verbs) {
      if (verb === '*') r.verbs.forEach(v => verbs.add(v));
      else if (r.verbs.includes(verb)) verbs.add(verb);
    }
  }
  return [...verbs].sort();
}

const describeName = (c: Check) =>
  `${c.who} ${c.verb} ${c.resource.group || 'core'}/${c.resource.resource}${
    c.resource.subresource ? `/${c.resource.subresource}` : ''
  }${c.namespace ? ` in ${c.namespace}` : ' (cluster)'}${
    c.name ? ` named ${c.name}` : ''
  }`;

/** Whether the API server lets `check.who` do it (SelfSubjectAccessReview). */
async function allowed(check: Check): Promise<boolean> {
  const lib = loadClientNode();
  const api = check.kubeConfig.makeApiClient(lib.AuthorizationV1Api);
  const review = await api.createSelfSubjectAccessReview({
    body: {
      spec: {
        resourceAttributes: {
          group: check.resource.group,
          version: check.resource.version,
          resource: check.resource.resource,
          subresource: check.resource.subresource,
          verb: check.verb,
          namespace: check.namespace,
          name: check.name,
        },
      },
    },
  });
  return review.status?.allowed === true;
}

/** `fn` over `items`, `parallel` at a time. */
async function eachLimited<T>(
  items: T[],
  parallel: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/**
 * Tenancy at the API server: the identities Knot's provisioning gives a
 * profile (its namespace's ServiceAccounts, bound to the namespace role)
 * may do everything their role allows in their own namespace and nothing
 * of it in another profile's namespace, nor on cluster-scoped resources.
 * The kinds come from the role's rules and API discovery, so a rule or an
 * API added later is tried too.
 */
describeWithCluster('the API server matrix of provisioned profiles', () => {
  const run = Math.random().toString(36).slice(2, 7);
  const prefix = `km${run}-`;
  const alice = `alice-${run}`;
  const bob = `bob-${run}`;
  const admin = `adm-${run}`;
  const profiles = [alice, bob];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-api-matrix-'));
  const lib = loadClientNode();
  const adminConfig = new lib.KubeConfig();
  let stop: (() => Promise<void>) | undefined;

  afterAll(async () => {
    await stop?.();
    await removeProvisionedProfiles([alice, bob, admin], prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A kubeconfig that authenticates with `token` only. */
  function tokenConfig(token: string): k8s.KubeConfig {
    const kubeConfig = new lib.KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ ...adminConfig.getCurrentCluster()!, name: 'test' }],
      users: [{ name: 'sa', token }],
      contexts: [{ name: 'test', cluster: 'test', user: 'sa' }],
      currentContext: 'test',
    });
    return kubeConfig;
  }

  async function until<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        return await fn();
      } catch (error) {
        if (Date.now() > deadline) {
          throw new Error(`${what}: ${(error as Error).message}`);
        }
        await new Promise(r => setTimeout(r, 500));
      }
    }
  }

  it('allows each profile its own namespace and nothing of the others', async () => {
    adminConfig.loadFromFile(testKubeconfig()!);
    const knex = await databases.init('SQLITE_3');
    const backend = await startKnotTestBackend({
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
    });
    stop = () => backend.stop();
    await seedKnotUsers(knex, { users: profiles, admins: [admin] });

    // Knot's own provisioning makes the namespaces, accounts and bindings.
    for (const profile of profiles) {
      const reconciled = await request(backend.server)
        .post('/api/knot/provisioning/reconcile')
        .set(
          'Authorization',
          mockCredentials.user.header(`user:default/${admin}`),
        )
        .send({ profile });
      expect(reconciled.status).toBe(200);
    }

    const core = testKubeClient(k => k.CoreV1Api);
    const rbac = testKubeClient(k => k.RbacAuthorizationV1Api);
    const resources = await discover(adminConfig);

    const identities: Array<{
      who: string;
      namespace: string;
      kubeConfig: k8s.KubeConfig;
      rules: k8s.V1PolicyRule[];
    }> = [];
    for (const profile of profiles) {
      const namespace = `${prefix}${profile}`;
      const binding = await until(`RoleBinding of ${namespace}`, () =>
        rbac.readNamespacedRoleBinding({ name: KNOT_ROLE_BINDING, namespace }),
      );
      const role =
        binding.roleRef.kind === 'ClusterRole'
          ? await rbac.readClusterRole({ name: binding.roleRef.name })
          : await rbac.readNamespacedRole({
              name: binding.roleRef.name,
              namespace,
            });
      for (const subject of binding.subjects ?? []) {
        if (subject.kind !== 'ServiceAccount') {
          throw new Error(`Unexpected subject ${subject.kind} ${subject.name}`);
        }
        expect(subject.namespace ?? namespace).toBe(namespace);
        const token = await until(`token of ${subject.name}`, () =>
          core.createNamespacedServiceAccountToken({
            name: subject.name,
            namespace,
            body: { spec: { audiences: [], expirationSeconds: 600 } },
          }),
        );
        identities.push({
          who: `${namespace}/${subject.name}`,
          namespace,
          kubeConfig: tokenConfig(token.status!.token),
          rules: role.rules ?? [],
        });
      }
    }
    // Both accounts of both profiles: knot and default.
    expect(identities.map(i => i.who.split('/')[1]).sort()).toEqual(
      [KNOT_SERVICE_ACCOUNT, KNOT_SERVICE_ACCOUNT, 'default', 'default'].sort(),
    );

    const own: Check[] = [];
    const foreign: Check[] = [];
    for (const identity of identities) {
      const others = identities
        .map(i => i.namespace)
        .filter(n => n !== identity.namespace);
      for (const resource of resources) {
        if (resource.namespaced) {
          for (const verb of ruleVerbs(identity.rules, resource)) {
            const check = { ...identity, resource, verb };
            own.push({ ...check, namespace: identity.namespace });
            for (const namespace of new Set(others)) {
              foreign.push({ ...check, namespace });
            }
          }
        } else {
          // Every verb it serves (a subresource may list none: get).
          for (const verb of resource.verbs.length ? resource.verbs : ['get']) {
            const key = `${resource.group}/${resource.resource} ${verb}`;
            if (EVERYONE_MAY.has(key)) continue;
            foreign.push({ ...identity, resource, verb, namespace: undefined });
            // Another profile's namespace object: the API server asks with
            // the namespace's own name as the request's namespace.
            if (resource.resource === 'namespaces' && !resource.subresource) {
              for (const name of new Set(others)) {
                foreign.push({
                  ...identity,
                  resource,
                  verb,
                  name,
                  namespace: name,
                });
              }
            }
          }
        }
      }
    }

    const deniedOwn: string[] = [];
    const unexpectedAllows: string[] = [];
    await eachLimited(own, 8, async c => {
      if (!(await allowed(c))) deniedOwn.push(describeName(c));
    });
    await eachLimited(foreign, 8, async c => {
      if (await allowed(c)) unexpectedAllows.push(describeName(c));
    });

    // Real requests with the tokens, besides the reviews.
    const real: string[] = [];
    for (const identity of identities) {
      const other = identities.find(i => i.namespace !== identity.namespace)!;
      const tries: Array<[string, number]> = [
        [`/api/v1/namespaces/${identity.namespace}/secrets`, 200],
        [`/api/v1/namespaces/${identity.namespace}/pods`, 200],
        [`/api/v1/namespaces/${other.namespace}/secrets`, 403],
        [`/api/v1/namespaces/${other.namespace}/pods`, 403],
        [`/api/v1/namespaces/${other.namespace}/configmaps`, 403],
        [`/apis/apps/v1/namespaces/${other.namespace}/deployments`, 403],
        [
          `/apis/networking.k8s.io/v1/namespaces/${other.namespace}/ingresses`,
          403,
        ],
        [`/api/v1/namespaces/${other.namespace}`, 403],
        ['/api/v1/namespaces', 403],
        ['/api/v1/nodes', 403],
        ['/api/v1/persistentvolumes', 403],
        ['/apis/rbac.authorization.k8s.io/v1/clusterroles', 403],
        ['/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', 403],
      ];
      for (const [apiPath, want] of tries) {
        const { status } = await apiGet(identity.kubeConfig, apiPath);
        if (status !== want) {
          real.push(
            `${identity.who} GET ${apiPath}: ${status}, expected ${want}`,
          );
        }
      }
    }

    const size = own.length + foreign.length;
    process.stdout.write(
      `API server matrix: ${identities.length} identities, ${
        resources.length
      } resources discovered; ${own.length} own-namespace and ${
        foreign.length
      } cross-tenant/cluster checks (${size} in all), ${
        identities.length * 13
      } real requests\n`,
    );
    expect(unexpectedAllows).toEqual([]);
    expect(real).toEqual([]);
    expect(deniedOwn).toEqual([]);
    // The role grants something: the matrix is not empty by accident.
    expect(own.length).toBeGreaterThan(100);
  });
});

import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import scaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { catalogModuleKnotAudience } from '@knot-platform/plugin-catalog-backend-module-knot';
import {
  CHART_PROFILE_ANNOTATION,
  profileNamespace,
  RELEASE_PROFILE_ANNOTATION,
  releaseComponentName,
} from '@knot-platform/plugin-knot-common';
import {
  createProfileNamespace,
  createTestDatabases,
  describeWithCluster,
  loadClientNode,
  mockAuthWithActors,
  recordExpressApps,
  routeTable,
  seedKnotUsers,
  startKnotTestBackend,
  testKubeClient,
  testKubeconfig,
  testUsername,
} from '@knot-platform/knot-test-utils';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  ATTEMPTS,
  MATRIX_PLUGINS,
  mayReach,
  PLUGIN_ROUTES,
  wrongAnswer,
  type Answer,
  type Attempt,
  type Caller,
  type Probe,
  type Row,
  type TenantTarget,
} from './__testUtils__/pluginRouteMatrix';
import { testEntitiesModule } from './__testUtils__/testEntitiesModule';
import { permissionModuleKnotPolicy } from './module';

// Catalog, scaffolder, Kubernetes, permission and knot plugins in one
// backend, against the real cluster: slow on a busy machine.
jest.setTimeout(240_000);
// The scaffolder's router is an app of its own: the matrix reads its routes.
recordExpressApps();

const RELEASE = 'hello';
const INSTANCE_LABEL = 'app.kubernetes.io/instance';

/** What only a profile's own entities and tasks carry. */
const secretOf = (profile: string) => `private-to-${profile}`;

/** A release Component as the knot plugin makes it (ReleaseEntities). */
function releaseComponent(profile: string): Entity {
  const namespace = profileNamespace(profile);
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: releaseComponentName(profile, RELEASE),
      description: secretOf(profile),
      annotations: {
        'backstage.io/managed-by-location': `knot-releases:${namespace}`,
        'backstage.io/managed-by-origin-location': `knot-releases:${namespace}`,
        'backstage.io/kubernetes-id': RELEASE,
        'backstage.io/kubernetes-namespace': namespace,
        'backstage.io/kubernetes-label-selector': `${INSTANCE_LABEL}=${RELEASE}`,
        'knot/release': RELEASE,
        [RELEASE_PROFILE_ANNOTATION]: profile,
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'user:default/x' },
  };
}

/**
 * A public Template; its tasks never run here (no task worker). One step:
 * the scaffolder cannot cancel a task of no steps twice (a TypeError).
 */
const TEMPLATE: Entity = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: {
    name: 'knot-noop',
    annotations: {
      'backstage.io/managed-by-location': 'knot-test:charts',
      'backstage.io/managed-by-origin-location': 'knot-test:charts',
    },
  },
  spec: {
    type: 'service',
    owner: 'group:default/knot',
    parameters: [],
    steps: [{ id: 'log', action: 'debug:log', input: { message: 'x' } }],
  },
};

const privateTemplateName = (profile: string) => `knot-private-${profile}`;

/** A profile's private chart Template, as the knot plugin makes it. */
function privateTemplate(profile: string): Entity {
  return {
    ...TEMPLATE,
    metadata: {
      ...TEMPLATE.metadata,
      name: privateTemplateName(profile),
      description: secretOf(profile),
      annotations: {
        ...TEMPLATE.metadata.annotations,
        [CHART_PROFILE_ANNOTATION]: profile,
      },
    },
  };
}

/** One request of the matrix: status and body, a stream cut after 1 s. */
function ask(
  server: http.Server,
  probe: Probe,
  authorization: string,
): Promise<Answer> {
  const { port } = server.address() as AddressInfo;
  const body =
    probe.body === undefined ? undefined : JSON.stringify(probe.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: probe.method,
        path: probe.path,
        headers: {
          authorization,
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...probe.headers,
        },
      },
      res => {
        let text = '';
        let timer: ReturnType<typeof setTimeout> | undefined = undefined;
        const done = () => {
          clearTimeout(timer);
          res.destroy();
          resolve({ status: res.statusCode!, text });
        };
        // Event streams and long polls do not end: what came in a second,
        // or a stream's first event.
        timer = setTimeout(done, 1_000);
        const stream = res.headers['content-type']?.includes('event-stream');
        res.setEncoding('utf8');
        res.on('data', chunk => {
          text += chunk;
          if (stream) done();
        });
        res.on('end', done);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A read-only token of the whole cluster, as scripts/cluster-app-config.sh
 * gives the Kubernetes plugin: the portal's cluster-wide account.
 */
async function portalViewToken(name: string): Promise<string> {
  const core = testKubeClient(k => k.CoreV1Api);
  const rbac = testKubeClient(k => k.RbacAuthorizationV1Api);
  await core.createNamespacedServiceAccount({
    namespace: 'default',
    body: { metadata: { name } },
  });
  await rbac.createClusterRoleBinding({
    body: {
      metadata: { name },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'view',
      },
      subjects: [{ kind: 'ServiceAccount', name, namespace: 'default' }],
    },
  });
  const token = await core.createNamespacedServiceAccountToken({
    namespace: 'default',
    name,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  return token.status!.token;
}

/** The test cluster's API server and CA, from its kubeconfig. */
function clusterOfKubeconfig(): { server: string; caData?: string } {
  const kc = new (loadClientNode().KubeConfig)();
  kc.loadFromFile(testKubeconfig()!);
  const cluster = kc.getCurrentCluster()!;
  return {
    server: cluster.server,
    caData:
      cluster.caData ??
      (cluster.caFile
        ? fs.readFileSync(cluster.caFile).toString('base64')
        : undefined),
  };
}

const databases = createTestDatabases();

/**
 * A database of its own for every plugin (the catalog's and the
 * scaffolder's migrations share table names), the knot plugin's given.
 */
function databasePerPlugin(knot: Parameters<typeof seedKnotUsers>[0]) {
  return createServiceFactory({
    service: coreServices.database,
    deps: { plugin: coreServices.pluginMetadata },
    async factory({ plugin }) {
      const knex =
        plugin.getId() === 'knot' ? knot : await databases.init('SQLITE_3');
      return { getClient: async () => knex };
    },
  });
}

describeWithCluster(
  'tenancy through the catalog, Kubernetes and scaffolder',
  () => {
    const alice = testUsername('alice');
    const bob = testUsername('bob');
    const carol = testUsername('carol');
    const dana = testUsername('dana');
    const erin = testUsername('erin');
    const team = testUsername('t');
    // Deactivated from the start, for the matrix (erin is deactivated by a test).
    const gone = testUsername('gone');
    const saName = testUsername('portal-view');
    const namespaces: Array<{ remove: () => Promise<void> }> = [];
    let server: http.Server;

    const as = (who: string) =>
      mockCredentials.user.header(`user:default/${who}`);

    beforeAll(async () => {
      // alice's and team's namespaces, each with the release's Service.
      const core = testKubeClient(k => k.CoreV1Api);
      for (const profile of [alice, team]) {
        const ns = await createProfileNamespace(profile);
        namespaces.push(ns);
        await core.createNamespacedService({
          namespace: ns.namespace,
          body: {
            metadata: { name: RELEASE, labels: { [INSTANCE_LABEL]: RELEASE } },
            spec: { ports: [{ port: 80 }] },
          },
        });
      }
      const { server: apiServer, caData } = clusterOfKubeconfig();
      const token = await portalViewToken(saName);

      const entities = [
        TEMPLATE,
        releaseComponent(alice),
        releaseComponent(team),
        privateTemplate(alice),
        privateTemplate(team),
      ];
      const testEntities = testEntitiesModule('test-entities', entities);

      const knex = await databases.init('SQLITE_3');
      const backend = await startKnotTestBackend({
        features: [
          databasePerPlugin(knex),
          catalogPlugin,
          scaffolderEntityModel,
          scaffolderPlugin,
          kubernetesPlugin,
          permissionPlugin,
          permissionModuleKnotPolicy,
          catalogModuleKnotAudience,
          testEntities,
          mockAuthWithActors,
        ],
        config: {
          permission: { enabled: true },
          // Tasks are only created here, never run: no task worker, whose
          // polling would outlive this file's database in the Jest worker.
          scaffolder: { concurrentTasksLimit: 0 },
          catalog: {
            rules: [{ allow: ['Component', 'Template', 'Location'] }],
          },
          kubernetes: {
            serviceLocatorMethod: { type: 'multiTenant' },
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  {
                    name: 'local',
                    url: apiServer,
                    authProvider: 'serviceAccount',
                    serviceAccountToken: token,
                    ...(caData ? { caData } : { skipTLSVerify: true }),
                  },
                ],
              },
            ],
          },
        },
      });
      server = backend.server;
      await seedKnotUsers(knex, {
        users: [alice, bob, carol, erin, gone],
        admins: [dana],
        teams: { [team]: [carol] },
      });
      await knex('knot_users')
        .where({ username: gone })
        .update({ active: false });
      for (let i = 0; i < 200; i++) {
        const res = await request(server)
          .get('/api/catalog/entities')
          .set('Authorization', mockCredentials.service.header());
        if (res.body?.length === entities.length) return;
        await new Promise(r => setTimeout(r, 300));
      }
      throw new Error('The catalog did not process the test entities');
    });

    afterAll(async () => {
      await Promise.all(namespaces.map(ns => ns.remove()));
      const core = testKubeClient(k => k.CoreV1Api);
      const rbac = testKubeClient(k => k.RbacAuthorizationV1Api);
      await core
        .deleteNamespacedServiceAccount({ name: saName, namespace: 'default' })
        .catch(() => {});
      await rbac.deleteClusterRoleBinding({ name: saName }).catch(() => {});
    });

    async function componentsOf(who: string): Promise<string[]> {
      const res = await request(server)
        .get('/api/catalog/entities/by-query?filter=kind=component')
        .set('Authorization', as(who));
      expect(res.status).toBe(200);
      return res.body.items.map((e: Entity) => e.metadata.name).sort();
    }

    /** The Kubernetes tab's query for a release Component's workloads. */
    const workloads = (who: string, profile: string) =>
      request(server)
        .post('/api/kubernetes/resources/workloads/query')
        .set('Authorization', as(who))
        .send({
          entityRef: `component:default/${releaseComponentName(
            profile,
            RELEASE,
          )}`,
          auth: {},
        });

    const proxy = (who: string, path: string) =>
      request(server)
        .get(`/api/kubernetes/proxy${path}`)
        .set('Authorization', as(who))
        .set('Backstage-Kubernetes-Cluster', 'local');

    it('shows a release Component only to who may act as its profile', async () => {
      const aliceHello = releaseComponentName(alice, RELEASE);
      const teamHello = releaseComponentName(team, RELEASE);
      expect(await componentsOf(alice)).toEqual([aliceHello]);
      expect(await componentsOf(carol)).toEqual([teamHello]);
      expect(await componentsOf(bob)).toEqual([]);
      expect(await componentsOf(dana)).toEqual([aliceHello, teamHello].sort());
      const byName = await request(server)
        .get(`/api/catalog/entities/by-name/component/default/${aliceHello}`)
        .set('Authorization', as(bob));
      expect(byName.status).toBe(404);
    });

    it("refuses the Kubernetes tab of another profile's release", async () => {
      const own = await workloads(alice, alice);
      expect(own.status).toBe(200);
      expect(JSON.stringify(own.body)).toContain(profileNamespace(alice));

      // Refused as if the Component did not exist: nothing about alice leaks.
      const missing = await workloads(bob, testUsername('nobody'));
      expect(missing.status).toBe(400);
      const others = await workloads(bob, alice);
      expect(others.status).toBe(missing.status);
      expect(JSON.stringify(others.body)).not.toContain(
        profileNamespace(alice),
      );
      expect((await workloads(carol, team)).status).toBe(200);
      expect((await workloads(carol, alice)).status).toBe(missing.status);
      expect((await workloads(dana, alice)).status).toBe(200);
    });

    it("refuses the Kubernetes proxy (the portal's cluster-wide account) to users", async () => {
      for (const path of [
        '/api/v1/namespaces',
        `/api/v1/namespaces/${profileNamespace(alice)}/services`,
        `/api/v1/namespaces/${profileNamespace(bob)}/pods`,
      ]) {
        const res = await proxy(bob, path);
        expect(res.status).toBe(403);
        expect(res.text).not.toContain(profileNamespace(alice));
      }
      const admin = await proxy(dana, '/api/v1/namespaces');
      expect(admin.status).toBe(200);
      expect(admin.text).toContain(profileNamespace(alice));
    });

    it('refuses registering catalog entities to users, not to admins', async () => {
      // An entity there could carry Kubernetes annotations naming alice's
      // namespace, and the Kubernetes tab would show what they select.
      const register = (who: string) =>
        request(server)
          .post('/api/catalog/locations')
          .set('Authorization', as(who))
          .send({
            type: 'url',
            target: `https://example.com/${who}/catalog-info.yaml`,
          });
      expect((await register(bob)).status).toBe(403);
      expect((await register(dana)).status).toBe(201);
    });

    it('refuses everything to a user within seconds of the deactivation, whatever the token', async () => {
      const createTask = () =>
        request(server)
          .post('/api/scaffolder/v2/tasks')
          .set('Authorization', as(erin))
          .send({ templateRef: 'template:default/knot-noop', values: {} });
      const catalogRead = () =>
        request(server)
          .get('/api/catalog/entities/by-name/template/default/knot-noop')
          .set('Authorization', as(erin));
      // Active: erin reads the catalog and starts tasks.
      expect((await catalogRead()).status).toBe(200);
      expect((await createTask()).status).toBe(201);

      const deactivated = await request(server)
        .patch(`/api/knot/users/${erin}`)
        .set('Authorization', as(dana))
        .send({ active: false });
      expect(deactivated.status).toBe(200);
      const since = Date.now();
      let statuses: number[] = [];
      while (Date.now() - since < 8_000) {
        statuses = [
          (await catalogRead()).status,
          (await createTask()).status,
          (await proxy(erin, '/api/v1/namespaces')).status,
          (
            await request(server)
              .get('/api/knot/me')
              .set('Authorization', as(erin))
          ).status,
        ];
        if (statuses.every(s => s === 403 || s === 404)) break;
        await new Promise(r => setTimeout(r, 250));
      }
      expect(statuses).toEqual([404, 403, 403, 403]);
      // Within a few seconds (Knot's answer is cached briefly).
      expect(Date.now() - since).toBeLessThan(5_000);
    });

    describe('the cross-tenant matrix of the catalog, scaffolder and Kubernetes plugin', () => {
      const users: Record<Exclude<Caller, 'anonymous' | 'service'>, string> = {
        alice,
        bob,
        carol,
        dana,
        gone,
      };
      const authorization = (caller: Caller) => {
        if (caller === 'anonymous') return mockCredentials.none.header();
        if (caller === 'service') return mockCredentials.service.header();
        return as(users[caller]);
      };
      const targets = {} as Record<'alice' | 't', TenantTarget>;

      /** A task `owner` started for `profile`. */
      async function startTask(owner: string, profile: string) {
        const created = await request(server)
          .post('/api/scaffolder/v2/tasks')
          .set('Authorization', as(owner))
          .send({
            templateRef: 'template:default/knot-noop',
            values: { note: secretOf(profile) },
          });
        expect(created.status).toBe(201);
        return created.body.id as string;
      }

      /** The same, cancelled so that it has an event. */
      async function cancelledTask(owner: string, profile: string) {
        const id = await startTask(owner, profile);
        const cancelled = await request(server)
          .post(`/api/scaffolder/v2/tasks/${id}/cancel`)
          .set('Authorization', as(owner));
        expect(cancelled.status).toBe(200);
        return id;
      }

      beforeAll(async () => {
        // A team's task is its member's: tasks belong to who started them.
        for (const [key, profile, owner] of [
          ['alice', alice, alice],
          ['t', team, carol],
        ] as const) {
          const name = releaseComponentName(profile, RELEASE);
          const location = `https://example.com/knot-matrix/${profile}.yaml`;
          const registered = await request(server)
            .post('/api/catalog/locations')
            .set('Authorization', as(dana))
            .send({ type: 'url', target: location });
          const component = await request(server)
            .get(`/api/catalog/entities/by-name/component/default/${name}`)
            .set('Authorization', mockCredentials.service.header());
          if (registered.status !== 201 || component.status !== 200) {
            throw new Error(`No location or Component for ${profile}`);
          }
          targets[key] = {
            profile,
            namespace: profileNamespace(profile),
            component: { name, uid: component.body.metadata.uid },
            template: privateTemplateName(profile),
            taskId: await cancelledTask(owner, profile),
            newTask: () => startTask(owner, profile),
            location,
            secret: secretOf(profile),
          };
        }
      });

      const routes = () =>
        MATRIX_PLUGINS.flatMap(plugin =>
          routeTable(server, `/api/${plugin}`, { mounts: true }).map(r => ({
            ...r,
            path: `/api/${plugin}${r.path}`,
          })),
        ).filter(
          // Body parsers and other middleware the plugins mount.
          r => r.method !== 'USE' || PLUGIN_ROUTES[`USE ${r.path}`],
        );

      it('has a row for every route of the plugins, and no other', () => {
        expect(
          routes()
            .map(r => `${r.method} ${r.path}`)
            .sort(),
        ).toEqual(Object.keys(PLUGIN_ROUTES).sort());
      });

      it("lets nobody reach another profile's entities, tasks and objects", async () => {
        const unexpected: string[] = [];
        let tried = 0;

        /** What was wrong with the answers to one attempt on one row. */
        async function attempt(row: Row, who: Attempt): Promise<string[]> {
          const want = mayReach(row.access, who);
          if (row.destructive && want === true) return [];
          const target = targets[who.target];
          const wrongs: string[] = [];
          for (const probe of await row.probe!(target)) {
            tried++;
            const answer = await ask(server, probe, authorization(who.caller));
            const wrong = wrongAnswer(row, want, target, answer);
            if (wrong) {
              wrongs.push(
                `${probe.method} ${probe.path} by ${who.caller} for ${who.target}: ${wrong}`,
              );
            }
          }
          return wrongs;
        }

        for (const route of routes()) {
          const row = PLUGIN_ROUTES[`${route.method} ${route.path}`];
          if (!row?.probe) continue;
          // The callers of one route at once; the routes one after another.
          const wrongs = await Promise.all(ATTEMPTS.map(a => attempt(row, a)));
          unexpected.push(...wrongs.flat());
        }
        expect(unexpected.sort()).toEqual([]);
        // The size of the matrix, for the record: 457 requests (2026-12-02).
        expect(tried).toBeGreaterThan(400);
      });
    });
  },
);

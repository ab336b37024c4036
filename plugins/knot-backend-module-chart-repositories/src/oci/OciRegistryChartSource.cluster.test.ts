import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import {
  createProfileNamespace,
  createTestDatabases,
  describeWithCluster,
  freePort,
  helmReleases,
  installService,
  pushChart,
  seedKnotUsers,
  startKnotTestBackend,
  startRegistry,
  startTokenAuthFront,
  testKubeClient,
  testKubeconfig,
  testUsername,
  uninstallReleases,
} from '@knot-platform/knot-test-utils';
import request from 'supertest';
import { chartSourcesFromConfig } from '../chartSourcesFromConfig';
import { knotModuleChartRepositories } from '../module';
import { OciRegistryChartSource } from './OciRegistryChartSource';

jest.setTimeout(120_000);

const databases = createTestDatabases();

const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}
data:
  greeting: {{ .Values.greeting | quote }}
  hostname: {{ .Values.knot.hostname | quote }}
`;

/** The chart Templates the knot plugin of `server` offers. */
async function templates(server: Parameters<typeof request>[0]) {
  const res = await request(server)
    .get('/api/knot/catalog/entities/templates')
    .set('Authorization', mockCredentials.service.header());
  expect(res.status).toBe(200);
  return res.body.items.map((i: { entity: Entity }) => i.entity) as Entity[];
}

// A real OCI registry (go-containerregistry's, built by cluster.sh), charts
// pushed with the real helm, installed with it into the real cluster.
describeWithCluster(
  'OCI registry charts against a real registry, helm and cluster',
  () => {
    const alice = testUsername('alice');
    const bob = testUsername('bob');
    const team = testUsername('team');
    let registry: Awaited<ReturnType<typeof startRegistry>>;
    let tmp: string;
    let down: string;
    let namespaces: Array<Awaited<ReturnType<typeof createProfileNamespace>>> =
      [];
    let server: Awaited<ReturnType<typeof startKnotTestBackend>>['server'];

    const config = (): JsonObject => ({
      app: { baseUrl: 'http://portal.test' },
      knot: {
        kubernetes: { kubeconfig: testKubeconfig()! },
        ingress: { domain: 'knot.test' },
        services: {
          chartsDir: path.join(tmp, 'none'),
          chartsCacheSeconds: 0,
          repositories: [
            {
              url: `oci://${registry.host}/library`,
              plainHttp: true,
              maxVersions: 2,
            },
            { url: `oci://${registry.host}/{profile}`, plainHttp: true },
            { url: `oci://${down}/library`, plainHttp: true },
          ],
        },
      },
    });

    /** Deploys as `user`, acting as `input.profile` when given. */
    function run(input: Record<string, any>, user: string) {
      const { profile, ...install } = input;
      return installService(server, user, install as any, profile);
    }

    beforeAll(async () => {
      tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'knot-oci-'));
      registry = await startRegistry();
      down = `127.0.0.1:${await freePort()}`;
      for (const version of ['0.1.0', '0.2.0', '0.3.0']) {
        await pushChart(`oci://${registry.host}/library`, {
          name: 'ocidemo',
          version,
          chartYaml:
            'description: A chart from the registry\nannotations:\n  knot.title: OCI demo\n',
          values: `# Greeting shown\ngreeting: hello ${version}\n`,
          templates: { 'configmap.yaml': CONFIGMAP },
        });
      }
      await pushChart(`oci://${registry.host}/library`, {
        name: 'secret-tool',
        version: '1.0.0',
        chartYaml: 'annotations:\n  knot-hidden: "true"\n',
      });
      await pushChart(`oci://${registry.host}/${alice}`, {
        name: 'alicechart',
        version: '1.0.0',
        values: '# Greeting shown\ngreeting: mine\n',
        templates: { 'configmap.yaml': CONFIGMAP },
      });
      await pushChart(`oci://${registry.host}/${team}`, {
        name: 'teamchart',
        version: '2.0.0',
      });
      namespaces = await Promise.all(
        [alice, bob].map(u => createProfileNamespace(u)),
      );
      // alice, bob and the team are the knot plugin's active profiles: each
      // one's `{profile}` location is read.
      const knex = await databases.init('SQLITE_3');
      ({ server } = await startKnotTestBackend({
        knex,
        features: [knotModuleChartRepositories],
        config: config(),
      }));
      await seedKnotUsers(knex, { users: [alice, bob], teams: { [team]: [] } });
    });

    afterAll(async () => {
      for (const ns of namespaces) {
        await uninstallReleases(ns.namespace);
        await ns.remove();
      }
      await registry?.stop();
      await fs.rm(tmp, { recursive: true, force: true });
    });

    it('offers the registry charts as Templates: newest versions, hidden ones absent, private ones owned by their profile', async () => {
      const entities = await templates(server);
      const summary = entities.map(e => ({
        name: e.metadata.name,
        title: e.metadata.title,
        owner: e.spec!.owner,
      }));
      expect(summary).toEqual([
        {
          name: `knot-${alice}-alicechart-1-0-0`,
          title: `alicechart (private chart of ${alice})`,
          owner: `user:default/${alice}`,
        },
        {
          name: 'knot-ocidemo-0-3-0',
          title: 'OCI demo',
          owner: 'group:default/knot-admins',
        },
        {
          name: 'knot-ocidemo-0-2-0',
          title: 'OCI demo 0.2.0',
          owner: 'group:default/knot-admins',
        },
        {
          name: `knot-${team}-teamchart-2-0-0`,
          title: `teamchart (private chart of ${team})`,
          owner: `group:default/${team}`,
        },
      ]);
      const demo = entities[1] as any;
      // The chart's values under one parameter, apart from Knot's inputs.
      expect(demo.spec.steps[0].input.values).toBe('${{ parameters.values }}');
      expect(
        demo.spec.parameters[1].properties.values.properties.greeting,
      ).toEqual({
        type: 'string',
        default: 'hello 0.3.0',
        title: 'Greeting',
        description: 'Greeting shown',
      });
      const own = entities[0] as any;
      expect(own.spec.parameters[0].properties.profile).toMatchObject({
        default: alice,
        enum: [alice],
      });
      // A fixed choice: no profile picker offering the user's teams.
      expect(own.spec.parameters[0].properties.profile).not.toHaveProperty(
        'ui:field',
      );
      expect(own.spec.steps[0].input).toMatchObject({
        chart: 'alicechart',
        chartProfile: alice,
      });
      // The registry that is down is reported; the others are still offered.
      const warnings: string[] = [];
      const logger = { warn: (w: string) => warnings.push(w) } as any;
      const context = {
        profiles: async () => [{ name: alice, team: false }],
      };
      for (const source of chartSourcesFromConfig(
        new ConfigReader(config()),
        logger,
      )) {
        await source.list(context);
      }
      expect(warnings).toEqual([
        expect.stringContaining(
          `Chart registry oci://${down}/library: cannot reach http://${down}: connect ECONNREFUSED`,
        ),
      ]);
    });

    it('installs a registry chart through knot:helm:install into the user namespace', async () => {
      const result = await run(
        {
          chart: 'ocidemo',
          version: '0.3.0',
          name: 'demo',
          values: { greeting: 'from OCI' },
        },
        bob,
      );
      expect(result.namespace).toBe(`knot-${bob}`);
      const releases = await helmReleases(`knot-${bob}`);
      expect(releases.map(r => [r.name, r.chart, r.status])).toEqual([
        ['demo', 'ocidemo-0.3.0', 'deployed'],
      ]);
      const core = testKubeClient(lib => lib.CoreV1Api);
      const cm = await core.readNamespacedConfigMap({
        name: 'demo',
        namespace: `knot-${bob}`,
      });
      expect(cm.data).toEqual({
        greeting: 'from OCI',
        hostname: `demo-${bob}.knot.test`,
      });
    });

    it("refuses to install a profile's private chart as another profile; its owner may", async () => {
      const refusal = `Chart 'alicechart' is a private chart of '${alice}' and can only be deployed as '${alice}', not as '${bob}'`;
      await expect(
        run({ chart: 'alicechart', chartProfile: alice, name: 'x' }, bob),
      ).rejects.toThrow(refusal);
      await expect(
        run({ chart: 'alicechart', name: 'x' }, bob),
      ).rejects.toThrow(refusal);
      await expect(
        run(
          {
            chart: 'alicechart',
            chartProfile: alice,
            profile: alice,
            name: 'x',
          },
          bob,
        ),
      ).rejects.toThrow(`You may not act as profile '${alice}'`);

      const result = await run(
        {
          chart: 'alicechart',
          chartProfile: alice,
          profile: alice,
          name: 'mine',
        },
        alice,
      );
      expect(result.namespace).toBe(`knot-${alice}`);
      const releases = await helmReleases(`knot-${alice}`);
      expect(releases.map(r => r.chart)).toEqual(['alicechart-1.0.0']);
      expect(await helmReleases(`knot-${bob}`)).toHaveLength(1);
    });

    it('reads the registry behind Harbor-style token authentication, keeping the credentials out of templates', async () => {
      const credentials = { username: 'robot$knot', password: 'pw-3f9a1c' };
      const front = await startTokenAuthFront(registry.host, credentials);
      try {
        const warnings: string[] = [];
        const source = (password: string) =>
          new OciRegistryChartSource(`oci://${front.host}/library`, {
            plainHttp: true,
            credentials: { ...credentials, password },
            maxVersions: 1,
            cacheDir: path.join(tmp, 'cache'),
            logger: { warn: w => warnings.push(w) },
          });
        const charts = await source(credentials.password).list();
        expect(
          charts.filter(c => !c.hidden).map(c => `${c.name}@${c.version}`),
        ).toEqual(['ocidemo@0.3.0']);
        // catalog + one repository scope per chart repository (hidden one too).
        expect(front.tokenRequests()).toBe(3);
        expect(warnings).toEqual([]);

        // The knot plugin's Templates of that registry: no credentials.
        const { server: behindFront } = await startKnotTestBackend({
          features: [knotModuleChartRepositories],
          config: {
            knot: {
              services: {
                chartsDir: path.join(tmp, 'none'),
                repositories: [
                  {
                    url: `oci://${front.host}/library`,
                    plainHttp: true,
                    maxVersions: 1,
                    ...credentials,
                  },
                ],
              },
            },
          },
        });
        const offered = await templates(behindFront);
        expect(offered.map(t => t.metadata.name)).toEqual([
          'knot-ocidemo-0-3-0',
        ]);
        expect(JSON.stringify(offered)).not.toContain(credentials.password);

        expect(await source('wrong').list()).toEqual([]);
        expect(warnings).toEqual([
          `Chart registry oci://${front.host}/library: the token service of http://${front.host} refused the configured credentials (HTTP 401)`,
        ]);
      } finally {
        await front.stop();
      }
    });
  },
);

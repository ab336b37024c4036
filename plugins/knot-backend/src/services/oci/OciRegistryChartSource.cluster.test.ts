import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  describeWithCluster,
  testKubeconfig,
} from '../../__testUtils__/cluster';
import {
  createProfileNamespace,
  testUsername,
} from '../../__testUtils__/profiles';
import {
  pushChart,
  startRegistry,
  startTokenAuthFront,
} from '../../__testUtils__/registry';
import { KubernetesClientFactory } from '../../kubernetes/KubernetesClientFactory';
import { SelfOnlyProfileAccess } from '../../profiles/ProfileAccess';
import type { ChartProfiles } from '../ChartProfiles';
import { ChartCatalog } from '../ChartCatalog';
import { OciRegistryChartSource } from './OciRegistryChartSource';
import { templateFromChart } from '../templateFromChart';
import { ChartTemplateProvider } from '../ChartTemplateProvider';
import { createHelmInstallAction } from '../helmInstallAction';
import {
  chartCatalogFromConfig,
  createServiceInstaller,
  helmFromConfig,
} from '../settings';

jest.setTimeout(120_000);

const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}
data:
  greeting: {{ .Values.greeting | quote }}
  hostname: {{ .Values.knot.hostname | quote }}
`;

async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise(r => server.close(r));
  return port;
}

// A real OCI registry (go-containerregistry's, built by cluster.sh), charts
// pushed with the real helm, installed with it into the real cluster.
describeWithCluster(
  'OCI registry charts against a real registry, helm and cluster',
  () => {
    const alice = testUsername('alice');
    const bob = testUsername('bob');
    const team = testUsername('team');
    const profiles: ChartProfiles = {
      list: async () => [
        { name: alice, team: false },
        { name: bob, team: false },
        { name: team, team: true },
      ],
    };
    let registry: Awaited<ReturnType<typeof startRegistry>>;
    let tmp: string;
    let down: string;
    let namespaces: Array<Awaited<ReturnType<typeof createProfileNamespace>>> =
      [];

    const config = () =>
      new ConfigReader({
        app: { baseUrl: 'http://portal.test' },
        knot: {
          kubernetes: { kubeconfig: testKubeconfig() },
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

    function run(input: Record<string, unknown>, user: string) {
      const ctx = createMockActionContext({
        input: input as any,
        logger: mockServices.logger.mock(),
        user: { ref: `user:default/${user}` },
      });
      const action = createHelmInstallAction(
        createServiceInstaller(
          config(),
          new SelfOnlyProfileAccess(),
          () => {},
          profiles,
        ),
      );
      return { ctx, done: action.handler(ctx as any) };
    }

    beforeAll(async () => {
      tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'knot-oci-'));
      registry = await startRegistry();
      down = `127.0.0.1:${await closedPort()}`;
      const helm = helmFromConfig(config());
      for (const version of ['0.1.0', '0.2.0', '0.3.0']) {
        await pushChart(helm, `oci://${registry.host}/library`, {
          name: 'ocidemo',
          version,
          chartYaml:
            'description: A chart from the registry\nannotations:\n  knot.title: OCI demo\n',
          values: `# Greeting shown\ngreeting: hello ${version}\n`,
          templates: { 'configmap.yaml': CONFIGMAP },
        });
      }
      await pushChart(helm, `oci://${registry.host}/library`, {
        name: 'secret-tool',
        version: '1.0.0',
        chartYaml: 'annotations:\n  knot-hidden: "true"\n',
      });
      await pushChart(helm, `oci://${registry.host}/${alice}`, {
        name: 'alicechart',
        version: '1.0.0',
        values: '# Greeting shown\ngreeting: mine\n',
        templates: { 'configmap.yaml': CONFIGMAP },
      });
      await pushChart(helm, `oci://${registry.host}/${team}`, {
        name: 'teamchart',
        version: '2.0.0',
      });
      namespaces = await Promise.all(
        [alice, bob].map(u => createProfileNamespace(testKubeconfig()!, u)),
      );
    });

    afterAll(async () => {
      const helm = helmFromConfig(config());
      for (const ns of namespaces) {
        for (const r of await helm.list(ns.namespace)) {
          await helm.uninstall(r.name, ns.namespace);
        }
        await ns.remove();
      }
      await registry?.stop();
      await fs.rm(tmp, { recursive: true, force: true });
    });

    it('offers the registry charts as Templates: newest versions, hidden ones absent, private ones owned by their profile', async () => {
      const warnings: string[] = [];
      const provider = new ChartTemplateProvider(
        chartCatalogFromConfig(config(), w => warnings.push(w), profiles),
        'group:default/knot-admins',
        mockServices.logger.mock(),
      );
      const applyMutation = jest.fn();
      await provider.connect({ applyMutation, refresh: jest.fn() });
      await provider.refresh();
      const entities: Entity[] = applyMutation.mock.calls[0][0].entities.map(
        (e: { entity: Entity }) => e.entity,
      );
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
      expect(demo.spec.parameters[1].properties.greeting).toEqual({
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
      expect(warnings).toEqual([
        expect.stringContaining(
          `Chart registry oci://${down}/library: cannot reach http://${down}: connect ECONNREFUSED`,
        ),
      ]);
    });

    it('installs a registry chart through knot:helm:install into the user namespace', async () => {
      const { ctx, done } = run(
        {
          chart: 'ocidemo',
          version: '0.3.0',
          name: 'demo',
          values: { greeting: 'from OCI' },
        },
        bob,
      );
      await done;
      expect(ctx.output).toHaveBeenCalledWith('namespace', `knot-${bob}`);
      const releases = await helmFromConfig(config()).list(`knot-${bob}`);
      expect(releases.map(r => [r.name, r.chart, r.status])).toEqual([
        ['demo', 'ocidemo-0.3.0', 'deployed'],
      ]);
      const core = await new KubernetesClientFactory(
        testKubeconfig(),
      ).makeClient(lib => lib.CoreV1Api);
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
        run({ chart: 'alicechart', chartProfile: alice, name: 'x' }, bob).done,
      ).rejects.toThrow(refusal);
      await expect(
        run({ chart: 'alicechart', name: 'x' }, bob).done,
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
        ).done,
      ).rejects.toThrow(`You may not act as profile '${alice}'`);

      const { ctx, done } = run(
        {
          chart: 'alicechart',
          chartProfile: alice,
          profile: alice,
          name: 'mine',
        },
        alice,
      );
      await done;
      expect(ctx.output).toHaveBeenCalledWith('namespace', `knot-${alice}`);
      const releases = await helmFromConfig(config()).list(`knot-${alice}`);
      expect(releases.map(r => r.chart)).toEqual(['alicechart-1.0.0']);
      expect(await helmFromConfig(config()).list(`knot-${bob}`)).toHaveLength(
        1,
      );
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
            warn: w => warnings.push(w),
          });
        const charts = await new ChartCatalog([
          source(credentials.password),
        ]).list();
        expect(charts.map(c => `${c.name}@${c.version}`)).toEqual([
          'ocidemo@0.3.0',
        ]);
        // catalog + one repository scope per chart repository (hidden one too).
        expect(front.tokenRequests()).toBe(3);
        const template = JSON.stringify(
          templateFromChart(charts[0], {
            owner: 'group:default/a',
            latest: true,
            location: 'x',
          }),
        );
        expect(template).not.toContain(credentials.password);
        expect(warnings).toEqual([]);

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

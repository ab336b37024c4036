import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  createProfileNamespace,
  describeWithCluster,
  installService,
  startKnotTestBackend,
  testKubeClient,
  testKubeconfig,
  testUsername,
  uninstallReleases,
} from '@knot-platform/knot-test-utils';
import request from 'supertest';

jest.setTimeout(120_000);

/** A chart with a values.schema.json, written by the test: no pods needed. */
async function writeSchemaChart(dir: string) {
  const chart = path.join(dir, 'counted');
  await fs.mkdir(path.join(chart, 'templates'), { recursive: true });
  await fs.writeFile(
    path.join(chart, 'Chart.yaml'),
    'apiVersion: v2\nname: counted\nversion: 0.1.0\n',
  );
  await fs.writeFile(
    path.join(chart, 'values.yaml'),
    '# How many\nreplicas: 1\nknot:\n  hostname: ""\n',
  );
  await fs.writeFile(
    path.join(chart, 'values.schema.json'),
    JSON.stringify({
      type: 'object',
      properties: {
        replicas: { type: 'integer', minimum: 1, title: 'Replicas' },
        knot: { type: 'object' },
      },
    }),
  );
  await fs.writeFile(
    path.join(chart, 'templates', 'configmap.yaml'),
    [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: {{ .Release.Name }}',
      'data:',
      '  replicas: {{ .Values.replicas | quote }}',
      '  hostname: {{ .Values.knot.hostname | quote }}',
      '',
    ].join('\n'),
  );
}

describeWithCluster('changing values of a chart with a schema', () => {
  const user = testUsername('sch');
  const auth = mockCredentials.user.header(`user:default/${user}`);
  let charts: string;
  let profile: Awaited<ReturnType<typeof createProfileNamespace>>;
  const data = () => ({
    app: { baseUrl: 'http://portal.test' },
    knot: {
      kubernetes: { kubeconfig: testKubeconfig()! },
      ingress: { domain: 'knot.test' },
      services: { chartsDir: charts },
    },
  });

  beforeAll(async () => {
    charts = await fs.mkdtemp(path.join(os.tmpdir(), 'knot-schema-charts-'));
    await writeSchemaChart(charts);
    profile = await createProfileNamespace(user);
  });
  afterAll(async () => {
    await uninstallReleases(profile.namespace);
    await profile.remove();
    await fs.rm(charts, { recursive: true, force: true });
  });

  it("answers helm's schema refusal as a 400 in helm's words, then upgrades", async () => {
    const { server } = await startKnotTestBackend({ config: data() });
    await installService(server, user, { chart: 'counted', name: 'cnt' });

    const form = await request(server)
      .get('/api/knot/services/cnt/form')
      .set('Authorization', auth);
    expect(form.status).toBe(200);
    expect(form.body.schema.properties.replicas).toMatchObject({
      type: 'integer',
      minimum: 1,
    });

    const refused = await request(server)
      .put('/api/knot/services/cnt/values')
      .set('Authorization', auth)
      .send({ values: { replicas: 'many' } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe(
      "The chart refused these values: at '/replicas': got string, want integer",
    );

    const ok = await request(server)
      .put('/api/knot/services/cnt/values')
      .set('Authorization', auth)
      .send({ values: { replicas: 3 } });
    expect(ok.status).toBe(204);
    const cm = await testKubeClient(
      lib => lib.CoreV1Api,
    ).readNamespacedConfigMap({ name: 'cnt', namespace: profile.namespace });
    expect(cm.data).toEqual({
      replicas: '3',
      hostname: `cnt-${user}.knot.test`,
    });
  });
});

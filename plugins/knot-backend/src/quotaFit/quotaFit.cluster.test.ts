import { mockCredentials } from '@backstage/backend-test-utils';
import {
  createProfileNamespace,
  describeWithCluster,
  eventually,
  helmReleases,
  servicesTestConfigData,
  startKnotTestBackend,
  testKubeClient,
  testUsername,
  uninstallReleases,
  writeChart,
} from '@knot-platform/knot-test-utils';
import fs from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';

jest.setTimeout(240_000);

/**
 * A chart whose pods ask for `cpu` in one container and nothing in the
 * other (the namespace's LimitRange gives that one 250m).
 */
const QUOTA_TEST_CHART = {
  name: 'quota-test',
  version: '1.0.0',
  // As the bundled charts: rendered for an old Kubernetes, it would fail.
  chartYaml: "kubeVersion: '>=1.25.0-0'\n",
  values: 'cpu: 500m\nreplicas: 1\n',
  templates: {
    'deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels: { app.kubernetes.io/instance: {{ .Release.Name }} }
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: { app.kubernetes.io/instance: {{ .Release.Name }} }
  template:
    metadata:
      labels: { app.kubernetes.io/instance: {{ .Release.Name }} }
    spec:
      containers:
        - name: app
          image: registry.knot.internal/knot/hello:1.3.0
          resources:
            requests: { cpu: {{ .Values.cpu | quote }} }
        - name: log
          image: registry.knot.internal/knot/hello:1.3.0
`,
  },
};

describeWithCluster('the quota fit check on the real API server', () => {
  const user = testUsername('fit');
  const auth = mockCredentials.user.header(`user:default/${user}`);
  let namespace: string;
  let remove: () => Promise<void>;
  let chartsDir: string;
  const core = () => testKubeClient(lib => lib.CoreV1Api);

  const start = (quotaFitCheck = true) => {
    const config = servicesTestConfigData();
    return startKnotTestBackend({
      config: {
        ...config,
        knot: {
          ...config.knot,
          services: { ...config.knot.services, chartsDir, quotaFitCheck },
        },
      },
    });
  };
  /** requests.cpu the quota counts as used now. */
  const usedCpu = async () =>
    (
      await core().readNamespacedResourceQuota({
        name: 'knot-quota',
        namespace,
      })
    ).status?.used?.['requests.cpu'];
  /** helm's release Secrets of the namespace. */
  const releaseSecrets = async () =>
    (
      await core().listNamespacedSecret({
        namespace,
        labelSelector: 'owner=helm',
      })
    ).items.map(s => s.metadata?.labels?.name);

  beforeAll(async () => {
    ({ namespace, remove } = await createProfileNamespace(user));
    chartsDir = path.dirname(await writeChart(QUOTA_TEST_CHART));
    await core().createNamespacedResourceQuota({
      namespace,
      body: {
        metadata: { name: 'knot-quota' },
        spec: { hard: { 'requests.cpu': '4', pods: '10' } },
      },
    });
    await core().createNamespacedLimitRange({
      namespace,
      body: {
        metadata: { name: 'knot-limits' },
        spec: {
          limits: [{ type: 'Container', defaultRequest: { cpu: '250m' } }],
        },
      },
    });
    // 2.5 CPU of the 4 are taken by a running pod.
    await eventually('the quota to be counted', async () =>
      (
        await core().readNamespacedResourceQuota({
          name: 'knot-quota',
          namespace,
        })
      ).status?.hard
        ? true
        : undefined,
    );
    await core().createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'busy' },
        spec: {
          containers: [
            {
              name: 'busy',
              image: 'registry.knot.internal/knot/hello:1.3.0',
              resources: {
                requests: { cpu: '2500m' },
                limits: { cpu: '2500m' },
              },
            },
          ],
        },
      },
    });
    await eventually('the busy pod to run', async () =>
      (
        await core().readNamespacedPod({ name: 'busy', namespace })
      ).status?.phase === 'Running'
        ? true
        : undefined,
    );
    await eventually('the busy pod to be counted', async () =>
      (await usedCpu()) === '2500m' ? true : undefined,
    );
  });

  afterAll(async () => {
    await uninstallReleases(namespace);
    await remove();
    await fs.rm(chartsDir, { recursive: true, force: true });
  });

  it('refuses a deploy over the remaining quota before helm runs, lets one that fits through', async () => {
    const { server } = await start();
    // 1.75 CPU + 0.25 CPU of the LimitRange for the container without requests.
    const big = { chart: 'quota-test', name: 'big', values: { cpu: '1750m' } };
    const message = `Needs 2 CPU, 1.5 CPU free of 4 in ${user}'s quota`;

    const asked = await request(server)
      .post('/api/knot/services/fit')
      .set('Authorization', auth)
      .send(big);
    expect(asked.status).toBe(200);
    expect(asked.body).toEqual({
      fits: false,
      message,
      shortfalls: [{ resource: 'requests.cpu', message }],
    });

    const refused = await request(server)
      .post('/api/knot/services')
      .set('Authorization', auth)
      .send(big);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({
      name: 'QuotaExceededError',
      message,
    });
    // helm never ran: no release, no release Secret.
    expect(await helmReleases(namespace)).toEqual([]);
    expect(await releaseSecrets()).toEqual([]);

    // 1 + 0.25 CPU fits.
    const small = { chart: 'quota-test', name: 'small', values: { cpu: '1' } };
    const fits = await request(server)
      .post('/api/knot/services/fit')
      .set('Authorization', auth)
      .send(small);
    expect(fits.body).toEqual({ fits: true, shortfalls: [] });
    const installed = await request(server)
      .post('/api/knot/services')
      .set('Authorization', auth)
      .send(small);
    expect(installed.status).toBe(200);
    expect(installed.text).toContain('"type":"result"');
    expect((await helmReleases(namespace)).map(r => r.name)).toEqual(['small']);
    await eventually('the small pod to be counted', async () =>
      (await usedCpu()) === '3750m' ? true : undefined,
    );

    // An upgrade gets back what the release holds: 0.25 free + 1.25 held.
    const tooMuch = await request(server)
      .put('/api/knot/services/small/values')
      .set('Authorization', auth)
      .send({ values: { cpu: '1750m' } });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error.message).toBe(
      `${message} (counting the 1.25 CPU small holds now)`,
    );
    const dialog = await request(server)
      .post('/api/knot/services/small/fit')
      .set('Authorization', auth)
      .send({ values: { cpu: '1250m' } });
    expect(dialog.body).toEqual({ fits: true, shortfalls: [] });
    const upgraded = await request(server)
      .put('/api/knot/services/small/values')
      .set('Authorization', auth)
      .send({ values: { cpu: '1250m' } });
    expect(upgraded.status).toBe(204);
    const [release] = await helmReleases(namespace);
    expect(release).toMatchObject({ name: 'small', revision: '2' });
  });

  it('lets helm install what does not fit when the check is off (the API server then refuses the pod)', async () => {
    const { server } = await start(false);
    const installed = await request(server)
      .post('/api/knot/services')
      .set('Authorization', auth)
      .send({ chart: 'quota-test', name: 'unchecked', values: { cpu: '3' } });
    expect(installed.status).toBe(200);
    expect((await helmReleases(namespace)).map(r => r.name)).toContain(
      'unchecked',
    );
  });
});

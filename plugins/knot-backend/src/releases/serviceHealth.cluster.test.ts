import { mockCredentials } from '@backstage/backend-test-utils';
import {
  createProfileNamespace,
  describeWithCluster,
  eventually,
  installService,
  servicesTestConfigData,
  startKnotTestBackend,
  testKubeClient,
  testUsername,
} from '@knot-platform/knot-test-utils';
import type { KnotService } from '@knot-platform/plugin-knot-common';
import type { V1Deployment } from '@kubernetes/client-node';
import request from 'supertest';

jest.setTimeout(180_000);

// The image pull and crash loop need a kubelet: the cluster's real node.
const realNode = process.env.KNOT_REAL_NODE === '1';

/**
 * Services stuck for the usual reasons, produced for real on the API server
 * (quota admission, kube-scheduler, the PV controller and, on the real node,
 * the kubelet): the services list says why in plain words, and the events
 * route lists the release's events to its own profile only.
 */
describeWithCluster('service status in plain words (real cluster)', () => {
  const alice = testUsername('health');
  const bob = testUsername('hquota');
  const carol = testUsername('hnode');
  const dave = testUsername('hreq');
  const as = (user: string) =>
    mockCredentials.user.header(`user:default/${user}`);
  const apps = testKubeClient(lib => lib.AppsV1Api);
  const core = testKubeClient(lib => lib.CoreV1Api);
  let server: Awaited<ReturnType<typeof startKnotTestBackend>>['server'];
  const namespaces: Array<{ remove: () => Promise<void> }> = [];

  beforeAll(async () => {
    const profiles = await Promise.all([
      createProfileNamespace(alice),
      createProfileNamespace(bob),
      createProfileNamespace(dave),
      ...(realNode
        ? [createProfileNamespace(carol, { 'knot.dev/real-node': 'true' })]
        : []),
    ]);
    namespaces.push(...profiles);
    ({ server } = await startKnotTestBackend({
      config: servicesTestConfigData(),
    }));
  });
  afterAll(async () => {
    await Promise.all(namespaces.map(n => n.remove()));
  });

  const hello = (
    user: string,
    name: string,
    values: Record<string, unknown> = {},
  ) =>
    installService(server, user, { chart: 'hello-kubernetes', name, values });

  /** Changes a release's Deployment as a chart with these settings would. */
  const edit = async (
    user: string,
    name: string,
    change: (d: V1Deployment) => void,
  ) => {
    const namespace = `knot-${user}`;
    // The deployment controller writes its status meanwhile: read again on
    // a conflict.
    for (let attempt = 1; ; attempt++) {
      const d = await apps.readNamespacedDeployment({ name, namespace });
      change(d);
      try {
        await apps.replaceNamespacedDeployment({ name, namespace, body: d });
        return;
      } catch (e) {
        if ((e as { code?: number }).code !== 409 || attempt >= 5) throw e;
      }
    }
  };

  const services = async (user: string): Promise<KnotService[]> => {
    const res = await request(server)
      .get('/api/knot/services')
      .set('Authorization', as(user));
    expect(res.status).toBe(200);
    return res.body.items;
  };

  /** Polls the list until each named service's reason matches. */
  const reasons = async (user: string, expected: Record<string, RegExp>) => {
    let items: KnotService[] = [];
    const matches = (list: KnotService[]) =>
      Object.entries(expected).every(([n, re]) =>
        re.test(list.find(s => s.name === n)?.reason ?? ''),
      );
    for (let i = 0; i < 200; i++) {
      items = await services(user);
      const done = matches(items);
      if (done) break;
      await new Promise(r => setTimeout(r, 250));
    }
    return Object.fromEntries(items.map(s => [s.name, s]));
  };

  /** Adds a ResourceQuota and waits until it is counted. */
  const quota = async (user: string, hard: Record<string, string>) => {
    await core.createNamespacedResourceQuota({
      namespace: `knot-${user}`,
      body: { metadata: { name: 'compute' }, spec: { hard } },
    });
    // Counted first: until then admission says "status unknown", not why.
    await eventually('the quota to be counted', async () =>
      (
        await core.readNamespacedResourceQuota({
          namespace: `knot-${user}`,
          name: 'compute',
        })
      ).status?.hard
        ? true
        : undefined,
    );
  };

  it('says over quota, no node fits and waiting for volume; events to the owner only', async () => {
    await Promise.all([
      hello(bob, 'quota', { replicas: 0 }),
      hello(dave, 'undeclared', { replicas: 0 }),
      hello(alice, 'big', { replicas: 0 }),
      hello(alice, 'vol', { replicas: 0 }),
    ]);
    // Then bob's profile allows no pod at all (Knot refuses a deploy over
    // the quota up front, so the quota shrinks under a running service).
    // dave's counts CPU requests, which the chart's container does not make.
    await Promise.all([
      quota(bob, { pods: '0' }),
      quota(dave, { 'requests.cpu': '1' }),
    ]);
    // Scaled to zero: stopped, not starting.
    const stopped = (await services(alice)).find(s => s.name === 'big');
    expect(stopped).toMatchObject({ state: 'Stopped', ready: '0/0' });

    await core.createNamespacedPersistentVolumeClaim({
      namespace: `knot-${alice}`,
      body: {
        metadata: { name: 'vol-data' },
        spec: {
          storageClassName: 'no-such-class',
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '1Gi' } },
        },
      },
    });
    await Promise.all([
      edit(bob, 'quota', d => {
        d.spec!.replicas = 1;
      }),
      edit(dave, 'undeclared', d => {
        d.spec!.replicas = 1;
      }),
      edit(alice, 'big', d => {
        d.spec!.replicas = 1;
        d.spec!.template.spec!.containers[0].resources = {
          requests: { cpu: '1000' },
        };
      }),
      edit(alice, 'vol', d => {
        d.spec!.replicas = 1;
        d.spec!.template.spec!.volumes = [
          { name: 'data', persistentVolumeClaim: { claimName: 'vol-data' } },
        ];
      }),
    ]);

    const [mine, bobs, daves] = await Promise.all([
      reasons(alice, { big: /no node/, vol: /volume/ }),
      reasons(bob, { quota: /quota/ }),
      reasons(dave, { undeclared: /quota/ }),
    ]);
    expect(bobs.quota).toMatchObject({
      state: 'Failed',
      ready: '0/1',
      reason: `over the quota of ${bob}: needs 1 pod, 0 pods free of 0`,
    });
    expect(daves.undeclared).toMatchObject({
      state: 'Failed',
      ready: '0/1',
      reason: `refused by the quota of ${dave}: every container must set a CPU request (hello-kubernetes sets none)`,
    });
    expect(mine.big).toMatchObject({
      state: 'Failed',
      reason: 'no node has 1000 CPU free',
    });
    expect(mine.vol).toMatchObject({
      state: 'Starting',
      reason: 'waiting for volume vol-data',
    });

    // The release's events, newest first: the scheduler's refusal is there.
    const events = await request(server)
      .get('/api/knot/services/big/events')
      .set('Authorization', as(alice));
    expect(events.status).toBe(200);
    expect(events.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'Warning',
          reason: 'FailedScheduling',
          object: expect.stringMatching(/^Pod\/big-/),
        }),
      ]),
    );
    const times = events.body.items.map((e: any) => Date.parse(e.lastSeen));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const quotaEvents = await request(server)
      .get('/api/knot/services/quota/events')
      .set('Authorization', as(bob));
    expect(quotaEvents.body.items[0]).toMatchObject({
      reason: 'FailedCreate',
      object: expect.stringMatching(/^ReplicaSet\/quota-/),
    });

    // bob asking for alice's release as himself gets nothing of alice's;
    // as alice's profile, he is refused.
    const theirs = await request(server)
      .get('/api/knot/services/big/events')
      .set('Authorization', as(bob));
    expect(theirs.status).toBe(404);
    expect(JSON.stringify(theirs.body)).not.toContain(alice);
    const asAlice = await request(server)
      .get('/api/knot/services/big/events')
      .set('Authorization', as(bob))
      .set('x-knot-profile', alice);
    expect(asAlice.status).toBe(403);
  });

  // The kubelet's part: only where the real node runs pods.
  (realNode ? describe : describe.skip)('on the real node', () => {
    it('says an image cannot be pulled, a crashing program keeps crashing or runs out of memory, a probe fails, a volume cannot be mounted (real node)', async () => {
      await Promise.all([
        hello(carol, 'pull', { image: { tag: 'no-such-tag' } }),
        ...['crash', 'oom', 'ready', 'mount'].map(n =>
          hello(carol, n, { replicas: 0 }),
        ),
      ]);
      const busybox = 'registry.knot.internal/knot/busybox:1.35.0';
      await Promise.all([
        edit(carol, 'crash', d => {
          d.spec!.replicas = 1;
          const c = d.spec!.template.spec!.containers[0];
          c.image = busybox;
          c.command = ['sh', '-c', 'echo boom; exit 3'];
          c.readinessProbe = undefined;
        }),
        // tail keeps the endless "line" of /dev/zero: past its limit, the
        // kernel kills it.
        edit(carol, 'oom', d => {
          d.spec!.replicas = 1;
          const c = d.spec!.template.spec!.containers[0];
          c.image = busybox;
          c.command = ['tail', '/dev/zero'];
          c.readinessProbe = undefined;
          c.resources = { limits: { memory: '32Mi' } };
        }),
        // The server runs; its probe asks a page it does not have (404).
        edit(carol, 'ready', d => {
          d.spec!.replicas = 1;
          d.spec!.template.spec!.containers[0].readinessProbe = {
            httpGet: { path: '/no-such-page', port: 'http' },
            periodSeconds: 1,
          };
        }),
        edit(carol, 'mount', d => {
          d.spec!.replicas = 1;
          d.spec!.template.spec!.volumes = [
            { name: 'settings', configMap: { name: 'no-such-settings' } },
          ];
          d.spec!.template.spec!.containers[0].volumeMounts = [
            { name: 'settings', mountPath: '/settings' },
          ];
        }),
      ]);
      const items = await reasons(carol, {
        pull: /not found/,
        crash: /keeps crashing.*boom/,
        oom: /out of memory/,
        ready: /Readiness probe failed/,
        mount: /settings/,
      });
      expect(items.pull).toMatchObject({
        state: 'Failed',
        reason:
          'image registry.knot.internal/knot/hello:no-such-tag cannot be pulled: not found',
      });
      expect(items.crash).toMatchObject({
        state: 'Failed',
        reason:
          'keeps crashing: exit code 3 (container hello-kubernetes); last output: boom',
      });
      expect(items.oom).toMatchObject({
        state: 'Failed',
        reason:
          'keeps running out of memory: limit 32Mi (container hello-kubernetes)',
      });
      expect(items.ready).toMatchObject({
        state: 'Starting',
        ready: '0/1',
        reason:
          'not ready yet: Readiness probe failed: HTTP probe failed with statuscode: 404',
      });
      expect(items.mount).toMatchObject({
        state: 'Starting',
        reason:
          'waiting for volume settings: configmap "no-such-settings" not found',
      });
    });
  });
});

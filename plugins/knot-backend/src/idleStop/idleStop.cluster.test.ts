import {
  coreServices,
  createServiceFactory,
  type SchedulerService,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  createProfileNamespace,
  eventually,
  startKnotTestBackend,
  testIngress,
  testKubeClient,
  testKubeconfig,
  testUsername,
} from '@knot-platform/knot-test-utils';
import request from 'supertest';
import {
  describeWithIngress,
  domain,
  helloImage,
  viaIngress,
} from '../forwardAuth/__testUtils__/viaIngress';

// Idle stop on the real API server, the real node and the real Traefik:
// two releases (Deployment + Service + Ingress, as helm leaves them) with a
// 1-minute idle time; one gets requests through forward-auth, one none.
jest.setTimeout(300_000);

/**
 * The test backend's scheduler runs tasks only at start-up; this one runs
 * them at their frequency, as the real one does (given in milliseconds).
 */
const timers: NodeJS.Timeout[] = [];
const intervalScheduler = createServiceFactory({
  service: coreServices.scheduler,
  deps: {},
  factory: () =>
    ({
      async scheduleTask(task: any) {
        const ms = task.frequency.milliseconds;
        let running = false;
        timers.push(
          setInterval(async () => {
            if (running) return;
            running = true;
            await Promise.resolve(task.fn()).catch(() => {});
            running = false;
          }, ms),
        );
      },
    } as unknown as SchedulerService),
});

describeWithIngress('idle stop behind the real Traefik ingress', () => {
  const owner = testUsername('idl');
  const stranger = testUsername('ids');
  // Idle stop scans every profile namespace of its prefix, and the other
  // suites' services share the cluster (a 1-minute idle time stopped their
  // pods mid-test): this backend's profiles have a prefix of their own.
  const prefix = `${testUsername('ki')}-`;
  const namespace = `${prefix}${owner}`;
  const hostOf = (svc: string) => `${svc}-${owner}.${domain}`;
  const token = (user: string) =>
    mockCredentials.limitedUser.token(`user:default/${user}`);
  let profile: { remove: () => Promise<void> };
  let server: Parameters<typeof request>[0];
  let authUrl = '';
  const apps = () => testKubeClient(lib => lib.AppsV1Api);
  const replicasOf = async (name: string) =>
    (await apps().readNamespacedDeployment({ namespace, name })).spec?.replicas;

  async function deploy(svc: string) {
    const core = testKubeClient(lib => lib.CoreV1Api);
    const networking = testKubeClient(lib => lib.NetworkingV1Api);
    const labels = { 'app.kubernetes.io/instance': svc };
    const helm = { 'meta.helm.sh/release-name': svc };
    await apps().createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: svc, labels, annotations: helm },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              nodeSelector: { 'knot.dev/node': 'real' },
              tolerations: [
                {
                  key: 'knot.dev/node',
                  operator: 'Equal',
                  value: 'real',
                  effect: 'NoSchedule',
                },
              ],
              containers: [
                {
                  name: 'hello',
                  image: helloImage,
                  ports: [{ name: 'http', containerPort: 8080 }],
                  readinessProbe: {
                    httpGet: { path: '/healthz', port: 8080 },
                    periodSeconds: 1,
                  },
                },
              ],
              terminationGracePeriodSeconds: 1,
            },
          },
        },
      },
    });
    await core.createNamespacedService({
      namespace,
      body: {
        metadata: { name: svc, labels, annotations: helm },
        spec: {
          selector: labels,
          ports: [{ name: 'http', port: 80, targetPort: 'http' as any }],
        },
      },
    });
    await networking.createNamespacedIngress({
      namespace,
      body: {
        ...testIngress(svc, hostOf(svc), svc),
        metadata: {
          name: svc,
          labels,
          annotations: {
            ...helm,
            'nginx.ingress.kubernetes.io/auth-url': `${authUrl}?redirect=1`,
            'nginx.ingress.kubernetes.io/auth-response-headers':
              'X-Knot-User,X-Knot-Profile,Cookie,Authorization',
          },
        },
      },
    });
  }

  const open = (svc: string, user = owner) =>
    viaIngress(hostOf(svc), '/api/headers', {
      Authorization: `Bearer ${token(user)}`,
    });

  beforeAll(async () => {
    const backend = await startKnotTestBackend({
      features: [intervalScheduler],
      config: {
        app: { baseUrl: `https://${domain}` },
        knot: {
          namespacePrefix: prefix,
          kubernetes: { kubeconfig: testKubeconfig()! },
          ingress: { domain },
          services: {
            forwardAuth: { ingressController: 'traefik' },
            idleStop: {
              defaultAfter: '1m',
              checkInterval: '5s',
              flushInterval: '2s',
            },
          },
        },
      },
    });
    server = backend.server as any;
    authUrl = `http://127.0.0.1:${backend.server.port()}/api/knot/forward-auth`;
    profile = await createProfileNamespace(owner, {}, prefix);
  });

  afterAll(async () => {
    timers.forEach(clearInterval);
    await profile?.remove();
  });

  it('stops the idle release, not the used one; Start restores it; nothing is deleted', async () => {
    await Promise.all([deploy('quiet'), deploy('busy')]);
    for (const svc of ['quiet', 'busy']) {
      await eventually(
        `${svc} served to its owner through Traefik`,
        async () => ((await open(svc)).status === 200 ? true : undefined),
        180_000,
      );
    }

    // busy gets a request every 2 s; quiet none. Its idle minute runs from
    // its creation, the same moment as busy's.
    let traffic = true;
    const trafficDone = (async () => {
      while (traffic) {
        expect((await open('busy')).status).toBe(200);
        await new Promise(r => setTimeout(r, 2_000));
      }
    })();
    try {
      const stoppedAt = await eventually(
        'quiet scaled to zero by idle stop',
        async () => {
          const d = await apps().readNamespacedDeployment({
            namespace,
            name: 'quiet',
          });
          return d.spec?.replicas === 0 ? d : undefined;
        },
        150_000,
      );
      expect(stoppedAt.metadata?.labels?.['knot/idle-stopped']).toBe('true');
      expect(stoppedAt.metadata?.annotations?.['knot/idle-replicas']).toBe('1');
      expect(
        Number(stoppedAt.metadata?.annotations?.['knot/idle-stopped-after-ms']),
      ).toBeGreaterThanOrEqual(60_000);
      // Two more checks: busy, created with quiet, still runs.
      await new Promise(r => setTimeout(r, 12_000));
      expect(await replicasOf('busy')).toBe(1);
      const busy = await apps().readNamespacedDeployment({
        namespace,
        name: 'busy',
      });
      expect(busy.metadata?.labels?.['knot/idle-stopped']).toBeUndefined();
      expect(
        Date.now() -
          Date.parse(busy.metadata!.annotations!['knot/last-access']),
      ).toBeLessThan(15_000);
    } finally {
      traffic = false;
      await trafficDone;
    }

    // Its owner opening it gets the stopped page; a stranger still 403.
    const page = await eventually(
      'the stopped page for quiet',
      async () => {
        const res = await open('quiet');
        return res.status === 503 && res.text.includes('is stopped')
          ? res
          : undefined;
      },
      30_000,
    );
    expect(page.text).toContain('Open the Services page to start it');
    expect((await open('quiet', stranger)).status).toBe(403);

    // Start is a POST with Backstage credentials: a cookie (what an image
    // tag on another site would carry) does not do.
    const viaCookie = await request(server)
      .post('/api/knot/services/quiet/start')
      .set('Authorization', mockCredentials.none.header())
      .set('Cookie', `knot_session=${token(owner)}`);
    expect(viaCookie.status).toBe(401);
    const byStranger = await request(server)
      .post('/api/knot/services/quiet/start')
      .set(
        'Authorization',
        mockCredentials.user.header(`user:default/${stranger}`),
      )
      .set('x-knot-profile', owner);
    expect(byStranger.status).toBe(403);
    expect(await replicasOf('quiet')).toBe(0);

    const started = await request(server)
      .post('/api/knot/services/quiet/start')
      .set(
        'Authorization',
        mockCredentials.user.header(`user:default/${owner}`),
      );
    expect(started.status).toBe(204);
    expect(await replicasOf('quiet')).toBe(1);
    await eventually(
      'quiet served again',
      async () => ((await open('quiet')).status === 200 ? true : undefined),
      120_000,
    );

    // Nothing was deleted: every object is still there.
    const core = testKubeClient(lib => lib.CoreV1Api);
    const networking = testKubeClient(lib => lib.NetworkingV1Api);
    for (const name of ['quiet', 'busy']) {
      await apps().readNamespacedDeployment({ namespace, name });
      await core.readNamespacedService({ namespace, name });
      await networking.readNamespacedIngress({ namespace, name });
    }
  });
});

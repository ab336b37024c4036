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
import type {
  KnotServicePod,
  KnotServicePodList,
} from '@knot-platform/plugin-knot-common';
import type { V1Deployment } from '@kubernetes/client-node';
import request from 'supertest';
import { openPodLogStreams } from './serviceLogs';

jest.setTimeout(240_000);

// Containers that print need a kubelet: the cluster's real node.
const realNode = process.env.KNOT_REAL_NODE === '1';
const BUSYBOX = 'registry.knot.internal/knot/busybox:1.35.0';

/**
 * A release's container logs on the real cluster: its pods and containers,
 * the log streamed while the container prints (a line every half second
 * reaches the reader within seconds, on a request that stays open), the
 * previous run of a crashing container, and only to its own profile.
 */
describeWithCluster('service logs (real cluster)', () => {
  const alice = testUsername('logs');
  const bob = testUsername('logsb');
  const as = (user: string) =>
    mockCredentials.user.header(`user:default/${user}`);
  const apps = testKubeClient(lib => lib.AppsV1Api);
  let server: Awaited<ReturnType<typeof startKnotTestBackend>>['server'];
  const namespaces: Array<{ remove: () => Promise<void> }> = [];

  beforeAll(async () => {
    namespaces.push(
      await createProfileNamespace(
        alice,
        realNode ? { 'knot.dev/real-node': 'true' } : {},
      ),
      await createProfileNamespace(bob),
    );
    ({ server } = await startKnotTestBackend({
      config: servicesTestConfigData(),
    }));
    await Promise.all(
      ['ticker', 'crash'].map(name =>
        installService(server, alice, {
          chart: 'hello-kubernetes',
          name,
          values: { replicas: 0 },
        }),
      ),
    );
    await Promise.all([
      // Prints a numbered line with the time every half second.
      edit('ticker', [
        'i=0; while true; do i=$((i+1)); echo "tick $i $(date +%s)"; sleep 0.5; done',
      ]),
      // Prints one line, runs 8 s and fails: restarted again and again.
      edit('crash', ['echo "crashing run $(date +%s)"; sleep 8; exit 1']),
    ]);
  });
  afterAll(async () => {
    await Promise.all(namespaces.map(n => n.remove()));
  });

  /** Runs busybox with `script` in the release's Deployment, with an init container. */
  async function edit(name: string, script: string[]) {
    const namespace = `knot-${alice}`;
    for (let attempt = 1; ; attempt++) {
      const d: V1Deployment = await apps.readNamespacedDeployment({
        name,
        namespace,
      });
      const spec = d.spec!.template.spec!;
      d.spec!.replicas = 1;
      spec.initContainers = [
        {
          name: 'prepare',
          image: BUSYBOX,
          command: ['sh', '-c', 'echo prepared'],
        },
      ];
      const c = spec.containers[0];
      c.image = BUSYBOX;
      c.command = ['sh', '-c', ...script];
      c.readinessProbe = undefined;
      c.livenessProbe = undefined;
      try {
        await apps.replaceNamespacedDeployment({ name, namespace, body: d });
        return;
      } catch (e) {
        if ((e as { code?: number }).code !== 409 || attempt >= 5) throw e;
      }
    }
  }

  const pods = (release: string, user = alice) =>
    request(server)
      .get(`/api/knot/services/${release}/pods`)
      .set('Authorization', as(user));

  /** The release's newest pod once it matches. */
  const podOf = (release: string, ready: (p: KnotServicePod) => boolean) =>
    eventually(
      `a pod of ${release} as wanted`,
      async () => {
        const res = await pods(release);
        expect(res.status).toBe(200);
        const pod = (res.body as KnotServicePodList).items[0];
        expect(pod && ready(pod)).toBe(true);
        return pod!;
      },
      120_000,
    );

  const logs = (release: string, query: string, user = alice) =>
    request(server)
      .get(`/api/knot/services/${release}/logs?${query}`)
      .set('Authorization', as(user));

  it('lists the pods with init containers; refuses bad input, other releases and other profiles', async () => {
    const pod = await podOf('ticker', p => p.containers.length === 2);
    expect(pod.containers.map(c => [c.name, c.init])).toEqual([
      ['prepare', true],
      ['hello-kubernetes', false],
    ]);
    const crash = await podOf('crash', () => true);

    // A pod of another release of the same profile: not this release's.
    const other = await logs('ticker', `pod=${crash.name}`);
    expect(other.status).toBe(404);
    expect(other.body.error.message).toBe(
      `Service ticker has no pod '${crash.name}'`,
    );
    expect((await logs('ticker', 'pod=no-such-pod')).status).toBe(404);

    // Bad input, in words.
    const bad: Array<[string, RegExp]> = [
      ['', /Say which pod of ticker/],
      ['pod=../../secrets', /is not a pod name/],
      [
        `pod=${pod.name}&container=sidecar`,
        /has no container 'sidecar'; it has prepare, hello-kubernetes/,
      ],
      [
        `pod=${pod.name}&tailLines=100000`,
        /tailLines must be a whole number from 0 to 10000/,
      ],
      [`pod=${pod.name}&tailLines=-1`, /tailLines must be/],
      [`pod=${pod.name}&follow=maybe`, /follow must be true or false/],
      [`pod=${pod.name}&container=a&container=b`, /container must be one name/],
    ];
    for (const [query, message] of bad) {
      const res = await logs('ticker', query);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.error.message).toMatch(message);
    }

    // bob: as himself there is no such service; as alice he is refused.
    const theirs = await logs('ticker', `pod=${pod.name}`, bob);
    expect(theirs.status).toBe(404);
    expect(JSON.stringify(theirs.body)).not.toContain(alice);
    const asAlice = await logs('ticker', `pod=${pod.name}`, bob).set(
      'x-knot-profile',
      alice,
    );
    expect(asAlice.status).toBe(403);
    expect(asAlice.text).not.toMatch(/tick \d/);
    const podsAsAlice = await pods('ticker', bob).set('x-knot-profile', alice);
    expect(podsAsAlice.status).toBe(403);
    expect((await pods('ticker', bob)).status).toBe(404);
  });

  (realNode ? describe : describe.skip)('on the real node', () => {
    it('streams lines while the container prints them, and stops reading when the reader leaves', async () => {
      const pod = await podOf('ticker', p =>
        p.containers.some(c => !c.init && c.state === 'running'),
      );
      // The init container's log, whole.
      const init = await logs('ticker', `pod=${pod.name}&container=prepare`);
      expect(init.status).toBe(200);
      expect(init.text).toBe('prepared\n');

      // The earlier requests' upstream reads end a moment after their
      // answers: count from none open, or one ending mid-test looks like
      // this stream's own.
      await eventually('the earlier log requests to end', async () =>
        openPodLogStreams() === 0 ? true : undefined,
      );
      const before = openPodLogStreams();
      const controller = new AbortController();
      const response = await fetch(
        `http://localhost:${server.port()}/api/knot/services/ticker/logs?pod=${
          pod.name
        }&follow=true&tailLines=1`,
        {
          headers: { Authorization: as(alice) },
          signal: controller.signal,
        },
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(
        'text/plain; charset=utf-8',
      );
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      /** Each tick line with when it was printed and when it arrived. */
      const arrived: Array<{ n: number; printed: number; at: number }> = [];
      let pending = '';
      const started = Date.now();
      while (arrived.length < 8 && Date.now() - started < 30_000) {
        const { done, value } = await reader.read();
        expect(done).toBe(false);
        pending += decoder.decode(value, { stream: true });
        const lines = pending.split('\n');
        pending = lines.pop()!;
        for (const line of lines) {
          const m = /^tick (\d+) (\d+)$/.exec(line);
          if (m) {
            arrived.push({ n: +m[1], printed: +m[2] * 1000, at: Date.now() });
          }
        }
      }
      expect(arrived.length).toBe(8);
      // One request, still open: its stream is the API server's.
      expect(openPodLogStreams()).toBe(before + 1);
      // Consecutive lines, each within ~3 s of being printed (the time
      // printed has one-second steps), arriving over several seconds: a
      // stream, not one answer.
      expect(arrived.map(a => a.n - arrived[0].n)).toEqual([
        0, 1, 2, 3, 4, 5, 6, 7,
      ]);
      for (const a of arrived.slice(1)) {
        expect(a.at - a.printed).toBeLessThan(3000);
      }
      expect(arrived[7].at - arrived[1].at).toBeGreaterThan(2000);

      // The reader leaves: the request to the API server ends with it.
      controller.abort();
      await eventually('the upstream log request to end', async () =>
        openPodLogStreams() === before ? true : undefined,
      );
    });

    /** The previous run's log of crash's pod once its container is `state`. */
    const previousOfCrash = async (state: 'running' | 'terminated') => {
      const pod = await podOf('crash', p =>
        p.containers.some(c => !c.init && c.hasPrevious && c.state === state),
      );
      return { pod, res: await logs('crash', `pod=${pod.name}&previous=true`) };
    };

    it("reads a crashing container's previous run, and says when the node no longer has it", async () => {
      // The kubelet keeps one ended run of a container: the run before is
      // on the node while the next one runs (8 s here), and removed once
      // that one has ended too. Read it while crash runs again.
      const { pod, res: previous } = await eventually(
        'the previous run of crash',
        async () => {
          const { pod: current, res } = await previousOfCrash('running');
          if (res.status === 200 && /^crashing run \d+\n$/.test(res.text)) {
            return { pod: current, res };
          }
          // Retried; the last one is in the time-out's message.
          throw new Error(
            `${current.name}: ${res.status} ${res.text.slice(0, 200)}`,
          );
        },
        200_000,
        1000,
      );
      expect(pod.containers.find(c => !c.init)!.restarts).toBeGreaterThan(0);
      expect(previous.text).toMatch(/^crashing run \d+\n$/);

      // Once the next run has ended too (waiting for its restart), the run
      // before it is gone from the node: said in words, not the kubelet's
      // "unable to retrieve container logs for containerd://...".
      const gone = await eventually(
        'the previous run of crash to be gone',
        async () => {
          const { res } = await previousOfCrash('terminated');
          expect(res.status).toBe(404);
          return res;
        },
        200_000,
        1000,
      );
      expect(gone.body.error.message).toBe(
        'The run before the last of container hello-kubernetes is no longer on the node (Kubernetes keeps only the last ended run): read the log without "Previous run"',
      );
      expect(gone.text).not.toContain('unable to retrieve');

      // The ticker never restarted: no previous log, said in words.
      const ticker = await podOf('ticker', () => true);
      const none = await logs('ticker', `pod=${ticker.name}&previous=true`);
      expect(none.status).toBe(400);
      expect(none.body.error.message).toBe(
        `Container hello-kubernetes of pod ${ticker.name} has not restarted: there is no previous log`,
      );
    }, 420_000);
  });
});

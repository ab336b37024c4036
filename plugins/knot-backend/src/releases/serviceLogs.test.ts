import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import Router from 'express-promise-router';
import type { V1Pod } from '@kubernetes/client-node';
import { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import {
  MAX_FOLLOWED_LOGS_PER_USER,
  openPodLogStreams,
  podLogRequest,
  streamPodLog,
  toKnotServicePod,
  type LogFollower,
} from './serviceLogs';

const pod: V1Pod = {
  metadata: {
    name: 'web-1',
    creationTimestamp: new Date('2026-12-02T12:00:00Z'),
  },
  spec: {
    initContainers: [{ name: 'prepare' }],
    containers: [{ name: 'server' }, { name: 'sidecar' }],
  },
  status: {
    phase: 'Running',
    initContainerStatuses: [
      {
        name: 'prepare',
        image: 'x',
        imageID: '',
        ready: false,
        restartCount: 0,
        state: { terminated: { exitCode: 0, reason: 'Completed' } },
      },
    ],
    containerStatuses: [
      {
        name: 'server',
        image: 'x',
        imageID: '',
        ready: true,
        restartCount: 3,
        state: { running: {} },
        lastState: { terminated: { exitCode: 1, reason: 'Error' } },
      },
    ],
  },
};

describe('toKnotServicePod', () => {
  it('lists init containers first, with state, restarts and a previous run', () => {
    expect(toKnotServicePod(pod)).toEqual({
      name: 'web-1',
      phase: 'Running',
      created: '2026-12-02T12:00:00.000Z',
      containers: [
        {
          name: 'prepare',
          init: true,
          state: 'terminated',
          reason: 'Completed',
          restarts: 0,
          hasPrevious: false,
        },
        {
          name: 'server',
          init: false,
          state: 'running',
          restarts: 3,
          hasPrevious: true,
        },
        {
          name: 'sidecar',
          init: false,
          state: 'waiting',
          restarts: 0,
          hasPrevious: false,
        },
      ],
    });
  });
});

describe('podLogRequest', () => {
  it('defaults to the first app container, 1000 lines, no follow', () => {
    expect(podLogRequest(pod, {})).toEqual({
      container: 'server',
      previous: false,
      follow: false,
      tailLines: 1000,
    });
    expect(
      podLogRequest(
        {
          ...pod,
          metadata: {
            ...pod.metadata,
            annotations: {
              'kubectl.kubernetes.io/default-container': 'sidecar',
            },
          },
        },
        {},
      ).container,
    ).toBe('sidecar');
    expect(
      podLogRequest(pod, {
        container: 'server',
        previous: 'true',
        follow: '1',
        tailLines: '10000',
      }),
    ).toEqual({
      container: 'server',
      previous: true,
      follow: true,
      tailLines: 10000,
    });
  });

  it.each([
    [
      { container: 'nope' },
      "Pod web-1 has no container 'nope'; it has prepare, server, sidecar",
    ],
    [{ container: ['a', 'b'] }, 'container must be one name'],
    [
      { container: 'prepare', previous: 'true' },
      'Container prepare of pod web-1 has not restarted: there is no previous log',
    ],
    [
      { tailLines: '10001' },
      'tailLines must be a whole number from 0 to 10000',
    ],
    [{ tailLines: '1e3' }, 'tailLines must be a whole number from 0 to 10000'],
    [{ follow: 'yes' }, 'follow must be true or false'],
  ])('refuses %j in words', (query, message) => {
    expect(() => podLogRequest(pod, query)).toThrow(message);
  });
});

/**
 * streamPodLog against a stand-in API server that prints a line every
 * 50 ms for as long as the request stays open.
 */
describe('streamPodLog', () => {
  const longLog = Array.from(
    { length: 5000 },
    (_, i) => `line ${i} of the previous run\n`,
  ).join('');
  let api: http.Server;
  let portal: http.Server;
  let kubeconfig: string;
  const upstreamClosed: string[] = [];
  let lastQuery: URLSearchParams | undefined;
  /** What a follower's rights check answers. */
  let allowed = true;

  beforeAll(async () => {
    api = http.createServer((req, res) => {
      const url = new URL(req.url!, 'http://api');
      lastQuery = url.searchParams;
      if (url.pathname.endsWith('/pods/crashing/log')) {
        // What the kubelet answers for a run it removed, and for one it has.
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(
          url.searchParams.get('container') === 'removed'
            ? 'unable to retrieve container logs for containerd://9c2b40646fdb37ff1985b147821a70a5f4a62b5583172596a0c696558fa1c87b'
            : 'crashing run 1796424580\n',
        );
        return;
      }
      if (url.pathname.endsWith('/pods/long/log')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(longLog);
        return;
      }
      if (url.pathname.endsWith('/pods/gone/log')) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            kind: 'Status',
            message: 'container "server" in pod "gone" is waiting to start',
          }),
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      let n = 0;
      const timer = setInterval(() => res.write(`line ${++n}\n`), 50);
      req.on('close', () => {
        clearInterval(timer);
        upstreamClosed.push(url.pathname);
      });
    });
    await new Promise<void>(r => api.listen(0, '127.0.0.1', r));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-logs-'));
    kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'c',
            cluster: {
              server: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
              'insecure-skip-tls-verify': true,
            },
          },
        ],
        users: [{ name: 'u', user: { token: 't' } }],
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'x',
      }),
    );
    const kubernetes = new KubernetesClientFactory(kubeconfig);
    const router = Router();
    /** Follows the `server` container of a pod, for `follower` when given. */
    const follow = (
      podName: string,
      res: express.Response,
      follower?: LogFollower,
    ) =>
      streamPodLog(
        kubernetes,
        'knot-alice',
        podName,
        { container: 'server', previous: false, follow: true, tailLines: 5 },
        res,
        follower,
      );
    router.get('/log/:pod', async (req, res) => {
      await follow(req.params.pod, res);
    });
    router.get('/followed-by/:user/:pod', async (req, res) => {
      await follow(req.params.pod, res, {
        user: req.params.user,
        stillAllowed: async () => allowed,
        recheckMs: 50,
      });
    });
    router.get('/previous/:pod/:container', async (req, res) => {
      await streamPodLog(
        kubernetes,
        'knot-alice',
        req.params.pod,
        {
          container: req.params.container,
          previous: true,
          follow: false,
          tailLines: 1000,
        },
        res,
      );
    });
    const app = express().use(router);
    app.use(
      (
        e: Error,
        _req: express.Request,
        res: express.Response,
        _next: express.NextFunction,
      ) =>
        res
          .status(
            (e as { statusCode?: number }).statusCode ??
              { InputError: 400, NotFoundError: 404 }[e.name as string] ??
              500,
          )
          .send(e.message),
    );
    portal = app.listen(0, '127.0.0.1');
    await new Promise(r => portal.once('listening', r));
  });
  afterAll(async () => {
    api.closeAllConnections();
    portal.closeAllConnections();
    await new Promise(r => api.close(r));
    await new Promise(r => portal.close(r));
  });

  const portalUrl = (p: string) =>
    `http://127.0.0.1:${(portal.address() as AddressInfo).port}${p}`;

  it('streams lines as they come and closes the upstream request when the reader leaves', async () => {
    const controller = new AbortController();
    const response = await fetch(portalUrl('/log/web-1'), {
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe(
      'no-cache, no-transform',
    );
    expect(lastQuery?.toString()).toBe(
      'container=server&previous=false&follow=true&tailLines=5',
    );
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('line 3\n')) {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
    }
    expect(openPodLogStreams()).toBe(1);
    expect(upstreamClosed).toEqual([]);
    controller.abort();
    for (let i = 0; i < 100 && openPodLogStreams() > 0; i++) {
      await new Promise(r => setTimeout(r, 20));
    }
    expect(openPodLogStreams()).toBe(0);
    for (let i = 0; i < 100 && upstreamClosed.length === 0; i++) {
      await new Promise(r => setTimeout(r, 20));
    }
    expect(upstreamClosed).toEqual([
      '/api/v1/namespaces/knot-alice/pods/web-1/log',
    ]);
  });

  it('ends a followed log once its reader may no longer read it', async () => {
    allowed = true;
    const response = await fetch(portalUrl('/followed-by/bob/web-2'));
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('line 3\n')) {
      text += new TextDecoder().decode((await reader.read()).value);
    }
    // Out of the team (or deactivated): the next check ends it.
    allowed = false;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toMatch(
      /\n\[Knot: the log stops here: you may no longer read it\]\n$/,
    );
    for (let i = 0; i < 100 && openPodLogStreams() > 0; i++) {
      await new Promise(r => setTimeout(r, 20));
    }
    expect(openPodLogStreams()).toBe(0);
    expect(upstreamClosed).toContain(
      '/api/v1/namespaces/knot-alice/pods/web-2/log',
    );
  });

  it(`lets one user follow ${MAX_FOLLOWED_LOGS_PER_USER} logs at once, not more`, async () => {
    allowed = true;
    const controllers = Array.from(
      { length: MAX_FOLLOWED_LOGS_PER_USER },
      () => new AbortController(),
    );
    const open = await Promise.all(
      controllers.map((c, i) =>
        fetch(portalUrl(`/followed-by/carol/many-${i}`), { signal: c.signal }),
      ),
    );
    expect(open.map(r => r.status)).toEqual(controllers.map(() => 200));
    const refused = await fetch(portalUrl('/followed-by/carol/one-more'));
    expect(refused.status).toBe(429);
    expect(await refused.text()).toBe(
      `You follow ${MAX_FOLLOWED_LOGS_PER_USER} logs already: close one to follow another`,
    );
    // Another user is not counted with carol.
    const dave = new AbortController();
    expect(
      (
        await fetch(portalUrl('/followed-by/dave/web-3'), {
          signal: dave.signal,
        })
      ).status,
    ).toBe(200);
    // One closed: carol may follow one again.
    controllers[0].abort();
    let again: Response | undefined;
    for (let i = 0; i < 100; i++) {
      again = await fetch(portalUrl('/followed-by/carol/again'));
      if (again.status === 200) break;
      await again.body?.cancel();
      await new Promise(r => setTimeout(r, 20));
    }
    expect(again?.status).toBe(200);
    await again?.body?.cancel();
    controllers.slice(1).forEach(c => c.abort());
    dave.abort();
  });

  it('says so when the previous run is no longer on the node, and gives it whole when it is', async () => {
    const removed = await fetch(portalUrl('/previous/crashing/removed'));
    expect(removed.status).toBe(404);
    expect(await removed.text()).toBe(
      'The run before the last of container removed is no longer on the node (Kubernetes keeps only the last ended run): read the log without "Previous run"',
    );
    const kept = await fetch(portalUrl('/previous/crashing/server'));
    expect(kept.status).toBe(200);
    expect(await kept.text()).toBe('crashing run 1796424580\n');
    expect(lastQuery?.get('previous')).toBe('true');
    // Longer than what is read first to tell: all of it, in order.
    const long = await fetch(portalUrl('/previous/long/server'));
    expect(long.status).toBe(200);
    expect(await long.text()).toBe(longLog);
    expect(openPodLogStreams()).toBe(0);
  });

  it("gives the API server's refusal in its words", async () => {
    const response = await fetch(portalUrl('/log/gone'));
    expect(response.status).toBe(400);
    expect(await response.text()).toBe(
      'container "server" in pod "gone" is waiting to start',
    );
    expect(openPodLogStreams()).toBe(0);
  });
});

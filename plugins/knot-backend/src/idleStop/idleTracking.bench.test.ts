import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { mockServices } from '@backstage/backend-test-utils';
import { createForwardAuthRouter } from '../forwardAuth/forwardAuthRouter';
import { bearerToken } from '../forwardAuth/SessionVerifier';
import { ActivityTracker } from './ActivityTracker';
import { IdleStopper } from './IdleStopper';

/**
 * bench/idle-tracking: forward-auth's latency with and without idle stop's
 * per-request work (the access noted in memory, the cached stopped check),
 * the same router otherwise, both servers in this process, interleaved
 * round by round. Runs with KNOT_BENCH=1 only.
 */
const describeBench = process.env.KNOT_BENCH ? describe : describe.skip;
const rounds = Number(process.env.KNOT_BENCH_ROUNDS ?? 5);
const perRound = Number(process.env.KNOT_BENCH_REQUESTS ?? 2000);

function server(withIdle: boolean) {
  const app = express();
  app.use(
    createForwardAuthRouter({
      controller: 'traefik',
      sessions: {
        async sessionOf(req) {
          const token = bearerToken(req);
          return token
            ? { user: `user:default/${token}`, from: 'bearer' }
            : undefined;
        },
      },
      owners: {
        ownerOf: async host => host.split('.')[0].split('-').pop(),
        releaseAt: async host => host.split('-')[0],
      },
      access: {
        canActAs: async (user: string, profile: string) =>
          user === `user:default/${profile}`,
      } as any,
      auth: mockServices.auth(),
      httpAuth: mockServices.httpAuth(),
      domain: 'knot.test',
      signInUrl: 'https://knot.test/knot/services/sign-in',
      cookieName: 'knot_session',
      secureCookie: true,
      ...(withIdle
        ? {
            idle: {
              tracker: new ActivityTracker(),
              // The real stopper: its cached list of stopped workloads
              // (one, another profile's) and the cached host claims.
              stopper: new IdleStopper({
                kube: {
                  list: async (_v: string, kind: string) =>
                    kind === 'Deployment'
                      ? [
                          {
                            metadata: {
                              namespace: 'knot-bob',
                              name: 'x',
                              labels: {
                                'app.kubernetes.io/instance': 'x',
                                'knot/idle-stopped': 'true',
                              },
                            },
                            spec: { replicas: 0 },
                          },
                        ]
                      : [],
                  mergePatch: async () => ({}),
                } as any,
                claims: async () => ({
                  releaseAt: (host: string) => host.split('-')[0],
                }),
                namespaces: async () => [],
                namespacePrefix: 'knot-',
                config: { checkIntervalMs: 60_000, flushIntervalMs: 60_000 },
                tracker: new ActivityTracker(),
                logger: mockServices.logger.mock(),
              }),
              servicesPageUrl: 'https://knot.test/knot/services',
            },
          }
        : {}),
    }),
  );
  return new Promise<http.Server>(resolve => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function once(port: number, i: number): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/forward-auth',
        agent,
        headers: {
          'X-Forwarded-Host': `svc${i % 50}-alice.knot.test`,
          Authorization: 'Bearer alice',
        },
      },
      res => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`${res.statusCode}`));
          else resolve(Number(process.hrtime.bigint() - started) / 1e6);
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

describeBench('bench/idle-tracking', () => {
  jest.setTimeout(600_000);

  it('forward-auth p99 with and without idle tracking', async () => {
    const without = await server(false);
    const withIdle = await server(true);
    const portOf = (s: http.Server) => (s.address() as AddressInfo).port;
    const times = { without: [] as number[], with: [] as number[] };
    for (let i = 0; i < 200; i++) {
      await once(portOf(without), i);
      await once(portOf(withIdle), i);
    }
    for (let r = 0; r < rounds; r++) {
      for (const [name, s] of [
        ['without', without],
        ['with', withIdle],
      ] as const) {
        for (let i = 0; i < perRound; i++) {
          times[name].push(await once(portOf(s), i));
        }
      }
    }
    without.close();
    withIdle.close();
    agent.destroy();
    const line = (name: 'without' | 'with') =>
      `${name.padEnd(8)} p50 ${quantile(times[name], 0.5).toFixed(
        3,
      )} ms  p99 ${quantile(times[name], 0.99).toFixed(3)} ms  (${
        times[name].length
      } requests)`;
    const p99With = quantile(times.with, 0.99);
    const p99Without = quantile(times.without, 0.99);
    // eslint-disable-next-line no-console
    console.log(
      [
        'bench/idle-tracking: forward-auth, same run, interleaved',
        line('without'),
        line('with'),
        `ratio p99 with/without ${(p99With / p99Without).toFixed(2)}x, extra ${(
          p99With - p99Without
        ).toFixed(3)} ms (goal <= 1 ms)`,
      ].join('\n'),
    );
    expect(p99With - p99Without).toBeLessThan(1);
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyPatch } from 'fast-json-patch';
import { createWebhookApp } from './app';
import { resolveConfig } from './config';
import { StaticDatasetLister } from './datasets/DatasetLister';
import { corrupt, garbage, rng } from './__testUtils__/fuzz';
import {
  deployment,
  ingress,
  patchOf,
  pod,
  podSpec,
  review,
} from './__testUtils__/reviews';

jest.setTimeout(120_000);

const TOTAL = 10_000;
const CONCURRENCY = 16;

const config = resolveConfig({
  ingress: { domain: 'example.org' },
  hostPathAllowlist: ['/data'],
  maxBodyBytes: 64 * 1024,
});

const seeds = [
  review(pod()),
  review(deployment()),
  review(deployment({ 'knot-no-datasets': 'true' })),
  review(
    pod({
      ...podSpec(),
      volumes: [{ name: 'h', hostPath: { path: '/etc' } }],
    } as any),
  ),
  review(ingress(['web-alice.example.org'])),
  review(ingress(['web-bob.example.org']), { namespace: 'knot-bob' }),
  review(pod(), { namespace: 'default' }),
  review(
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'c' },
      spec: { jobTemplate: { spec: { template: { spec: podSpec() } } } },
    },
    { operation: 'UPDATE' },
  ),
];

describe('fuzzing /mutate and /validate', () => {
  let server: http.Server;
  let port: number;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const errors: unknown[] = [];

  beforeAll(async () => {
    const app = createWebhookApp({
      config,
      datasets: new StaticDatasetLister({ 'knot-alice': ['mnist'] }),
      logError: error => errors.push(error),
    });
    server = http.createServer(app);
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    agent.destroy();
    await new Promise(resolve => server.close(resolve));
  });

  function post(
    path: string,
    body: string,
  ): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json' },
        },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', c => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode!,
              text: Buffer.concat(chunks).toString(),
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  it(`survives ${TOTAL} random and malformed AdmissionReviews`, async () => {
    const seed = Number(process.env.KNOT_FUZZ_SEED ?? Date.now() % 1_000_000);
    const r = rng(seed);
    const cases: { path: string; body: string; sent: any }[] = [];
    for (let i = 0; i < TOTAL; i++) {
      const path = r() < 0.6 ? '/mutate' : '/validate';
      if (r() < 0.15) {
        cases.push({ path, body: garbage(r), sent: undefined });
      } else {
        let sent: any = structuredClone(seeds[Math.floor(r() * seeds.length)]);
        const rounds = 1 + Math.floor(r() * 3);
        // Mostly the object inside a good envelope (reaches the handlers),
        // else anywhere (the envelope checks).
        const inside = r() < 0.7;
        for (let k = 0; k < rounds; k++) {
          if (inside) sent.request.object = corrupt(sent.request.object, r);
          else sent = corrupt(sent, r);
        }
        cases.push({ path, body: JSON.stringify(sent) ?? 'undefined', sent });
      }
    }

    const failures: string[] = [];
    let statuses: Record<number, number> = {};
    const outcomes = { patched: 0, allowed: 0, denied: 0 };
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++];
        const { status, text } = await post(c.path, c.body);
        statuses = { ...statuses, [status]: (statuses[status] ?? 0) + 1 };
        if (status >= 500) {
          failures.push(
            `${status} for ${c.body.slice(0, 300)}: ${text.slice(0, 200)}`,
          );
          continue;
        }
        if (status !== 200) continue;
        // A 200 is an AdmissionReview whose patch (if any) applies to the object.
        const answer = JSON.parse(text).response;
        let outcome: keyof typeof outcomes = answer.allowed
          ? 'allowed'
          : 'denied';
        if (answer.patch) outcome = 'patched';
        outcomes[outcome] += 1;
        if (answer?.uid !== c.sent?.request?.uid) {
          failures.push(`uid mismatch for ${c.body.slice(0, 200)}`);
        }
        if (answer.patch) {
          try {
            applyPatch(
              structuredClone(c.sent.request.object),
              patchOf(answer),
              true,
              false,
            );
          } catch (error) {
            failures.push(
              `patch does not apply (${error}) for ${c.body.slice(0, 200)}`,
            );
          }
          if (
            !String(
              c.sent.request.namespace ??
                c.sent.request.object?.metadata?.namespace,
            ).startsWith('knot-')
          ) {
            failures.push(
              `patched outside a Knot namespace: ${c.body.slice(0, 200)}`,
            );
          }
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    // eslint-disable-next-line no-console
    console.log(
      `fuzz seed ${seed}: statuses ${JSON.stringify(
        statuses,
      )}, ${JSON.stringify(outcomes)}`,
    );
    expect(Object.values(statuses).reduce((a, b) => a + b, 0)).toBe(TOTAL);
    expect(failures.slice(0, 5)).toEqual([]);
    expect(errors.slice(0, 5)).toEqual([]);
    expect(outcomes.patched).toBeGreaterThan(100);
    // The server is still up and healthy.
    expect((await post('/mutate', JSON.stringify(seeds[0]))).status).toBe(200);
  });
});

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { CoreV1Api } from '@kubernetes/client-node';
import {
  describeQuantiles,
  histogram,
  histogramCount,
  histogramDelta,
  type Buckets,
} from './histogram';
import { processUsage } from './processUsage';

/** The webhook's own /metrics (HTTPS with its dev CA). */
function webhookMetrics(url: string, caFile: string): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get(`${url}/metrics`, { ca: fs.readFileSync(caFile) }, response => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', chunk => (body += chunk));
        response.on('end', () =>
          response.statusCode === 200
            ? resolve(body)
            : reject(new Error(`webhook /metrics: ${response.statusCode}`)),
        );
      })
      .on('error', reject);
  });
}

function apiServerMetrics(): string {
  return execFileSync('kubectl', ['get', '--raw', '/metrics'], {
    maxBuffer: 256 * 1024 * 1024,
  }).toString();
}

const OWN = 'knot_webhook_request_duration_seconds';
const SEEN = 'apiserver_admission_webhook_admission_duration_seconds';
const KNOT_WEBHOOKS: Record<string, string> = {
  mutate: 'mutate.webhook.knot.io',
  validate: 'validate.webhook.knot.io',
};

/** Both views of each Knot webhook (mutate, validate), as histograms now. */
async function snapshot(webhook: { url: string; caFile: string }) {
  const own = await webhookMetrics(webhook.url, webhook.caFile);
  const seen = apiServerMetrics();
  const out = new Map<string, { own: Buckets; seen: Buckets }>();
  for (const [route, name] of Object.entries(KNOT_WEBHOOKS)) {
    out.set(route, {
      own: histogram(own, OWN, l => l.route === route),
      seen: histogram(seen, SEEN, l => l.name === name),
    });
  }
  return out;
}

/** A pod as a user's notebook or job makes one: one container, no volumes of its own. */
function pod(name: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'scale-storm' } },
    spec: {
      containers: [
        {
          name: 'main',
          image: 'registry.k8s.io/pause:3.10',
          resources: { requests: { cpu: '10m', memory: '16Mi' } },
        },
      ],
    },
  };
}

/**
 * Creates `count` pods across the profile namespaces, `concurrency` at a
 * time, as fast as the API server admits them (every create goes through
 * Knot's mutating and validating webhooks), and reports pods/s and both
 * webhooks' latency: as the webhook measures it (its own histogram, from
 * reading the request to sending the answer) and as the API server sees it
 * (TLS, the round trip, queueing). Each view is a histogram: the quantiles
 * are interpolated within its buckets, as histogram_quantile does.
 */
export async function podStorm(options: {
  core: CoreV1Api;
  namespaces: string[];
  count: number;
  concurrency: number;
  webhook: { url: string; caFile: string };
  /** The webhook's process, for its CPU and memory. */
  webhookPid?: number;
  log: (line: string) => void;
}) {
  const { core, namespaces, count, concurrency, webhook, log } = options;
  const before = await snapshot(webhook);
  const cpu0 = options.webhookPid && processUsage(options.webhookPid);
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const namespace = namespaces[i % namespaces.length];
        try {
          await core.createNamespacedPod({
            namespace,
            body: pod(`storm-${i}`) as any,
          });
        } catch (error) {
          failed++;
          firstError ??= String(
            (error as { body?: string }).body ?? (error as Error).message,
          ).slice(0, 300);
        }
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const after = await snapshot(webhook);
  const cpu1 = options.webhookPid && processUsage(options.webhookPid);
  const usage =
    cpu0 && cpu1
      ? `; webhook CPU ${(
          ((cpu1.cpuSeconds - cpu0.cpuSeconds) / seconds) *
          100
        ).toFixed(0)} % of one core, RSS ${cpu1.rssMiB.toFixed(0)} MiB`
      : '';
  log(
    `pod storm: ${count} pods in ${
      namespaces.length
    } profile namespaces, ${concurrency} at a time: ${seconds.toFixed(1)} s, ${(
      count / seconds
    ).toFixed(0)} pods/s, ${failed} failed${
      firstError ? ` (${firstError})` : ''
    }${usage}`,
  );
  for (const route of Object.keys(KNOT_WEBHOOKS)) {
    const own = histogramDelta(before.get(route)!.own, after.get(route)!.own);
    const seen = histogramDelta(
      before.get(route)!.seen,
      after.get(route)!.seen,
    );
    console.log(
      `  ${route.padEnd(8)} webhook's own ${describeQuantiles(
        own,
      )} (${histogramCount(own)} requests)`,
    );
    console.log(
      `  ${' '.padEnd(8)} API server's  ${describeQuantiles(
        seen,
      )} (${histogramCount(seen)} calls)`,
    );
  }
}

/**
 * Prometheus histograms read from a /metrics text: the webhook's own
 * (knot_webhook_request_duration_seconds) and the API server's view of it
 * (apiserver_admission_webhook_admission_duration_seconds).
 */

/** Cumulative bucket counts by upper bound (seconds; Infinity for +Inf). */
export type Buckets = Map<number, number>;

/**
 * The buckets of histogram `name` summed over the series whose labels pass
 * `keep` (e.g. one route, or the knot webhooks of one type).
 */
export function histogram(
  text: string,
  name: string,
  keep: (labels: Record<string, string>) => boolean = () => true,
): Buckets {
  const buckets: Buckets = new Map();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}_bucket{`)) continue;
    const labels: Record<string, string> = {};
    const inner = line.slice(line.indexOf('{') + 1, line.lastIndexOf('}'));
    for (const m of inner.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[m[1]] = m[2];
    }
    if (!keep(labels)) continue;
    const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    buckets.set(le, (buckets.get(le) ?? 0) + value);
  }
  return buckets;
}

/** after − before, bucket by bucket: what a measured interval added. */
export function histogramDelta(before: Buckets, after: Buckets): Buckets {
  return new Map(
    [...after].map(([le, value]) => [le, value - (before.get(le) ?? 0)]),
  );
}

export function histogramCount(buckets: Buckets): number {
  return buckets.get(Infinity) ?? 0;
}

/**
 * The q-quantile (0..1) as Prometheus' histogram_quantile estimates it:
 * linear within the bucket that holds it; in the +Inf bucket, the highest
 * finite bound (so the true value is above it). Seconds.
 */
export function histogramQuantile(
  q: number,
  buckets: Buckets,
): { seconds: number; above: boolean } {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const count = histogramCount(buckets);
  if (!count) return { seconds: NaN, above: false };
  const rank = q * count;
  let lower = 0;
  let below = 0;
  for (const le of bounds) {
    const cumulative = buckets.get(le)!;
    if (cumulative >= rank) {
      if (le === Infinity) return { seconds: lower, above: true };
      const inBucket = cumulative - below;
      const fraction = inBucket ? (rank - below) / inBucket : 1;
      return { seconds: lower + (le - lower) * fraction, above: false };
    }
    lower = le;
    below = cumulative;
  }
  return { seconds: lower, above: true };
}

/** "p50 1.2 ms  p95 4.0 ms  p99 8.9 ms" of a histogram (">" past its top bucket). */
export function describeQuantiles(buckets: Buckets): string {
  return [0.5, 0.95, 0.99]
    .map(q => {
      const { seconds, above } = histogramQuantile(q, buckets);
      return `p${q * 100} ${above ? '>' : ''}${(seconds * 1000).toFixed(1)} ms`;
    })
    .join('  ');
}

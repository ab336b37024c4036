import { execFileSync } from 'node:child_process';

/**
 * The API server's own count of the requests it served
 * (apiserver_request_total, summed over every label), read through
 * kubectl. It counts every client: the benchmark subtracts the background
 * (controllers, kwok's node heartbeats) measured over an idle interval.
 */
export function apiServerRequests(): Map<string, number> {
  const text = execFileSync('kubectl', ['get', '--raw', '/metrics'], {
    maxBuffer: 256 * 1024 * 1024,
  }).toString();
  const byVerb = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const verb = line.match(/verb="([^"]+)"/)?.[1] ?? '?';
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    byVerb.set(verb, (byVerb.get(verb) ?? 0) + value);
  }
  return byVerb;
}

export function total(counts: Map<string, number>): number {
  return [...counts.values()].reduce((a, b) => a + b, 0);
}

/** after − before, per verb, only the verbs that changed. */
export function delta(
  before: Map<string, number>,
  after: Map<string, number>,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const [verb, value] of after) {
    const d = value - (before.get(verb) ?? 0);
    if (d > 0) out.set(verb, d);
  }
  return out;
}

export function describe(counts: Map<string, number>): string {
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([verb, n]) => `${verb} ${n}`)
    .join(', ');
}

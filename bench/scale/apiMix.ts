import { Agent, fetch } from 'undici';

/** A page of the portal: the API requests it makes when it opens. */
export interface Page {
  name: string;
  weight: number;
  paths: string[];
}

/** The mix a signed-in user clicks through (paths below the backend). */
export const PAGES: Page[] = [
  {
    name: 'home',
    weight: 3,
    paths: [
      '/api/knot/health',
      '/api/knot/me',
      '/api/knot/profile',
      '/api/knot/integrations',
    ],
  },
  { name: 'services', weight: 3, paths: ['/api/knot/services'] },
  { name: 'files', weight: 2, paths: ['/api/knot/files/private/list?path='] },
  {
    name: 'catalog',
    weight: 1,
    paths: [
      '/api/catalog/entities/by-query?filter=kind%3Dcomponent&limit=20&orderField=metadata.name%2Casc',
      '/api/catalog/entity-facets?facet=spec.type&filter=kind%3Dcomponent',
    ],
  },
  {
    name: 'create',
    weight: 1,
    paths: [
      '/api/catalog/entities/by-query?filter=kind%3Dtemplate&limit=100&orderField=metadata.title%2Casc',
    ],
  },
];

export interface PageStats {
  latencies: number[];
  errors: number;
  firstError?: string;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

export function summary(stats: PageStats, seconds: number) {
  const sorted = [...stats.latencies].sort((a, b) => a - b);
  return {
    count: sorted.length,
    perSecond: sorted.length / seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    errors: stats.errors,
    firstError: stats.firstError,
  };
}

/**
 * Runs the mix: every simulated user (one token each, signed in once) opens
 * a page drawn by weight, waits for all its requests (in parallel, as the
 * browser makes them), thinks for `thinkMs` ± 50 % and opens the next,
 * until `seconds` have passed. A page's latency is its slowest request; a
 * non-2xx answer or a network error counts as an error of the page; each
 * request path has its own figures too (which request of a page is slow).
 * With several backends (replicas) the requests go round-robin across
 * them, one after another, as a load balancer sends them.
 */
export async function runMix(options: {
  backends: string[];
  tokens: string[];
  seconds: number;
  thinkMs: number;
}): Promise<{ pages: Map<string, PageStats>; paths: Map<string, PageStats> }> {
  // Keep-alive connections, as a browser keeps to the portal.
  const dispatcher = new Agent({ keepAliveTimeout: 30_000 });
  const stats = new Map<string, PageStats>(
    PAGES.map(p => [p.name, { latencies: [], errors: 0 }]),
  );
  const paths = new Map<string, PageStats>(
    PAGES.flatMap(p => p.paths).map(p => [p, { latencies: [], errors: 0 }]),
  );
  const weights = PAGES.flatMap(p => Array(p.weight).fill(p) as Page[]);
  const end = performance.now() + options.seconds * 1000;
  let turn = 0;
  const backend = () => options.backends[turn++ % options.backends.length];
  const user = async (token: string) => {
    // Users arrive spread over the first think time, not all at once.
    await new Promise(r => setTimeout(r, Math.random() * options.thinkMs));
    while (performance.now() < end) {
      const page = weights[Math.floor(Math.random() * weights.length)];
      const s = stats.get(page.name)!;
      const t0 = performance.now();
      const answers = await Promise.all(
        page.paths.map(async path => {
          const p0 = performance.now();
          try {
            const response = await fetch(`${backend()}${path}`, {
              headers: { authorization: `Bearer ${token}` },
              dispatcher,
            });
            const body = await response.text();
            if (response.ok) {
              paths.get(path)!.latencies.push(performance.now() - p0);
            } else {
              paths.get(path)!.errors++;
            }
            return response.ok
              ? undefined
              : `${response.status} ${path}: ${body.slice(0, 200)}`;
          } catch (error) {
            return `${path}: ${(error as Error).message}`;
          }
        }),
      );
      const failure = answers.find(a => a !== undefined);
      if (failure) {
        s.errors++;
        s.firstError ??= failure;
      } else {
        s.latencies.push(performance.now() - t0);
      }
      const think = options.thinkMs * (0.5 + Math.random());
      await new Promise(r => setTimeout(r, think));
    }
  };
  await Promise.all(options.tokens.map(user));
  await dispatcher.close();
  return { pages: stats, paths };
}

import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import type { NextFunction, Request, Response } from 'express';

/** The label of requests that matched no route (probes, typos, attacks). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Counts and times every request to Knot's backend by route, method and
 * status code: `knot_portal_requests_total` and
 * `knot_portal_request_duration_seconds` once the app exports metrics
 * (packages/backend/src/instrumentation.ts). The route is the router's
 * path template (`/services/:name`), never the path itself: a label per
 * user or file name would grow without bound and name other users.
 */
export function requestMetrics(metrics: MetricsService) {
  const requests = metrics.createCounter('knot_portal_requests', {
    description: "Requests to Knot's backend, by route, method and code",
  });
  const duration = metrics.createHistogram(
    'knot_portal_request_duration_seconds',
    {
      description: "Time to answer a request to Knot's backend",
      unit: 's',
      advice: {
        explicitBucketBoundaries: [
          0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
          10, 30,
        ],
      },
    },
  );
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    // The plugin's own mount point (`/api/knot`) is the same on every route.
    const mount = req.baseUrl;
    res.once('finish', () => {
      const attributes = {
        route: routeTemplate(req, mount),
        method: req.method,
        code: String(res.statusCode),
      };
      requests.add(1, attributes);
      duration.record(
        Number(process.hrtime.bigint() - started) / 1e9,
        attributes,
      );
    });
    next();
  };
}

/**
 * The template of the route that answered, below the plugin's mount point:
 * Express keeps the matched route (`req.route`) and the nested routers'
 * mount paths (`req.baseUrl`) on the request as it answers. Knot mounts
 * routers at fixed paths only (`/files`, `/oidc`), so `baseUrl` holds no
 * name. A router that answers without an Express route (the OIDC
 * provider) is labelled by its mount: `/oidc/*`.
 */
export function routeTemplate(req: Request, mount: string): string {
  // Empty (or gone) once a request left the plugin's router unanswered.
  const baseUrl = req.baseUrl ?? '';
  const base = baseUrl.startsWith(mount)
    ? baseUrl.slice(mount.length)
    : baseUrl;
  const path: unknown = req.route?.path;
  if (typeof path === 'string') return `${base}${path}` || '/';
  return base ? `${base}/*` : UNMATCHED_ROUTE;
}

import { Counter, Histogram, Registry } from 'prom-client';

/** The webhook's Prometheus metrics, in a registry of their own. */
export class WebhookMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'knot_webhook_requests_total',
    help: 'Admission requests by route and HTTP status',
    labelNames: ['route', 'code'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'knot_webhook_request_duration_seconds',
    help: 'Time to answer an admission request',
    labelNames: ['route'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly denials = new Counter({
    name: 'knot_webhook_denials_total',
    help: 'Admission requests denied, by route and HTTP status of the denial',
    labelNames: ['route', 'code'] as const,
    registers: [this.registry],
  });
  readonly patches = new Counter({
    name: 'knot_webhook_patches_total',
    help: 'Admission requests answered with a patch',
    registers: [this.registry],
  });
}

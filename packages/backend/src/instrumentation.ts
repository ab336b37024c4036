/*
 * Prometheus metrics of the portal, the way Backstage's own guide sets up
 * OpenTelemetry: plugins record through the MetricsService (Knot's
 * `knot_portal_*`, Backstage's own), and this exporter serves them at
 * `http://<host>:<KNOT_METRICS_PORT>/metrics`, a port of its own that no
 * Ingress routes to. Without KNOT_METRICS_PORT nothing is exported.
 *
 * Imported first by index.ts: a meter asked for before the provider is
 * set stays a no-op for good.
 */
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

const port = process.env.KNOT_METRICS_PORT;
if (port) {
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) {
    throw new Error(`KNOT_METRICS_PORT must be a port number, not '${port}'`);
  }
  const exporter = new PrometheusExporter({
    port: Number(port),
    host: process.env.KNOT_METRICS_HOST ?? '0.0.0.0',
  });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));
}

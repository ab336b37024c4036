import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
} from '@opentelemetry/sdk-metrics';
import express from 'express';
import Router from 'express-promise-router';
import request from 'supertest';
import { requestMetrics, UNMATCHED_ROUTE } from './requestMetrics';

/** A meter whose readings the test collects itself. */
function meter() {
  const exporter = new InMemoryMetricExporter(
    AggregationTemporality.CUMULATIVE,
  );
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: 3_600_000,
  });
  const provider = new MeterProvider({ readers: [reader] });
  const metrics = provider.getMeter('test') as unknown as MetricsService;
  const read = async () => {
    const { resourceMetrics } = await reader.collect();
    return resourceMetrics.scopeMetrics.flatMap(s => s.metrics);
  };
  return { metrics, read };
}

/** An app shaped like Knot's: the plugin mounted at /api/knot, nested routers. */
function app(metrics: MetricsService) {
  const plugin = Router();
  plugin.use(requestMetrics(metrics));
  const files = Router();
  files.get('/:domain/list', (_req, res) => {
    res.json([]);
  });
  plugin.use('/files', files);
  plugin.get('/services/:name', (req, res) => {
    res.status(req.params.name === 'gone' ? 404 : 200).json({});
  });
  const oidc = express();
  oidc.use((_req, res) => {
    res.status(200).send('ok');
  });
  plugin.use('/oidc', oidc);
  const root = express();
  root.use('/api/knot', plugin);
  return root;
}

describe('requestMetrics', () => {
  it('counts and times requests by route template, method and code, never by name', async () => {
    const { metrics, read } = meter();
    const server = app(metrics);
    await request(server).get('/api/knot/services/alice-notebook');
    await request(server).get('/api/knot/services/gone');
    await request(server).get('/api/knot/files/private/list');
    await request(server).get('/api/knot/oidc/auth?client_id=x');
    await request(server).get('/api/knot/no/such/route/bob-secret');

    const all = await read();
    const counts = all.find(m => m.descriptor.name === 'knot_portal_requests');
    const points = (counts?.dataPoints ?? []) as DataPoint<number>[];
    expect(
      points
        .map(
          p =>
            `${p.attributes.method} ${p.attributes.route} ${p.attributes.code} ${p.value}`,
        )
        .sort(),
    ).toEqual([
      'GET /files/:domain/list 200 1',
      'GET /oidc/* 200 1',
      'GET /services/:name 200 1',
      'GET /services/:name 404 1',
      `GET ${UNMATCHED_ROUTE} 404 1`,
    ]);
    // No user, service or file name is a label value.
    expect(JSON.stringify(points)).not.toMatch(/alice|bob|notebook|secret/);

    const durations = all.find(
      m => m.descriptor.name === 'knot_portal_request_duration_seconds',
    );
    expect(durations?.descriptor.unit).toBe('s');
    const histogram = durations?.dataPoints.find(
      p => p.attributes.route === '/files/:domain/list',
    )?.value as Histogram;
    expect(histogram.count).toBe(1);
    expect(histogram.sum).toBeGreaterThan(0);
    expect(histogram.sum).toBeLessThan(5);
  });
});

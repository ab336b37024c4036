import type { RequestListener } from 'node:http';
import express from 'express';
import type { WebhookConfig } from './config';
import { resolveConfig } from './config';
import { mutate } from './admission/mutate';
import {
  type AdmissionRoute,
  createAdmissionHandler,
} from './admission/admissionHandler';
import { parseReview } from './admission/parseReview';
import type { AdmissionResponse } from './admission/types';
import { validate } from './admission/validate';
import type { DatasetLister } from './datasets/DatasetLister';
import { StaticDatasetLister } from './datasets/DatasetLister';
import { WebhookMetrics } from './metrics';
import {
  type HostClaimsSource,
  StaticHostClaimsSource,
} from './hostClaims/HostClaimsSource';

export interface WebhookAppOptions {
  config?: WebhookConfig;
  datasets?: DatasetLister;
  /** Which hosts are claimed, which profiles exist (Ingress validation). */
  hostClaims?: HostClaimsSource;
  metrics?: WebhookMetrics;
  /** /readyz answers 200 only while this says so (e.g. a certificate is loaded). */
  ready?: () => boolean;
  /** Where unexpected errors are reported. */
  logError?: (error: unknown) => void;
}

/**
 * The webhook's HTTP application: `/mutate`, `/validate`, probes and
 * `/metrics`, as a Node request listener. Transport (HTTPS, certificate reloads) is the server's job.
 */
export function createWebhookApp(
  options: WebhookAppOptions = {},
): RequestListener {
  const config = options.config ?? resolveConfig();
  const datasets = options.datasets ?? new StaticDatasetLister();
  const hostClaims =
    options.hostClaims ??
    new StaticHostClaimsSource([], [], config.namespacePrefix);
  const metrics = options.metrics ?? new WebhookMetrics();
  const ready = options.ready ?? (() => true);
  const logError = options.logError ?? (() => {});

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    if (ready()) res.json({ status: 'ok' });
    else res.status(503).json({ status: 'not ready' });
  });
  app.get('/metrics', async (_req, res) => {
    res
      .type(metrics.registry.contentType)
      .send(await metrics.registry.metrics());
  });

  const admission = (
    route: AdmissionRoute,
    handle: (body: unknown) => Promise<AdmissionResponse>,
  ) =>
    createAdmissionHandler({
      route,
      handle,
      metrics,
      maxBodyBytes: config.maxBodyBytes,
      logError,
    });
  const routes: Record<string, ReturnType<typeof admission>> = {
    '/mutate': admission('mutate', async body =>
      mutate(parseReview(body), { config, datasets }),
    ),
    '/validate': admission('validate', async body =>
      validate(parseReview(body), config, hostClaims),
    ),
  };

  // Admission requests skip express (see createAdmissionHandler); the API
  // server appends `?timeout=10s` to the path it is configured with.
  return (req, res) => {
    if (req.method === 'POST') {
      const url = req.url ?? '';
      const query = url.indexOf('?');
      const handler = routes[query === -1 ? url : url.slice(0, query)];
      if (handler) {
        handler(req, res).catch(error => {
          logError(error);
          res.destroy();
        });
        return;
      }
    }
    app(req, res);
  };
}

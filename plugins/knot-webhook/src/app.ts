import express from 'express';
import type { WebhookConfig } from './config';
import { resolveConfig } from './config';
import { mutate } from './admission/mutate';
import { BadReviewError, parseReview } from './admission/parseReview';
import type {
  AdmissionResponse,
  AdmissionReviewResponse,
} from './admission/types';
import { deny } from './admission/types';
import { validate } from './admission/validate';
import type { DatasetLister } from './datasets/DatasetLister';
import { StaticDatasetLister } from './datasets/DatasetLister';
import { WebhookMetrics } from './metrics';

export interface WebhookAppOptions {
  config?: WebhookConfig;
  datasets?: DatasetLister;
  metrics?: WebhookMetrics;
  /** /readyz answers 200 only while this says so (e.g. a certificate is loaded). */
  ready?: () => boolean;
  /** Where unexpected errors are reported. */
  logError?: (error: unknown) => void;
}

/**
 * The webhook's HTTP application: `/mutate`, `/validate`, probes and
 * `/metrics`. Transport (HTTPS, certificate reloads) is the server's job.
 */
export function createWebhookApp(
  options: WebhookAppOptions = {},
): express.Express {
  const config = options.config ?? resolveConfig();
  const datasets = options.datasets ?? new StaticDatasetLister();
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

  // The API server always sends JSON; parse whatever the content type says.
  const json = express.json({ limit: config.maxBodyBytes, type: () => true });

  const admission =
    (
      route: 'mutate' | 'validate',
      handle: (body: unknown) => Promise<AdmissionResponse>,
    ) =>
    async (req: express.Request, res: express.Response) => {
      const end = metrics.latency.startTimer({ route });
      let code = 200;
      try {
        let response: AdmissionResponse;
        try {
          response = await handle(req.body);
        } catch (error) {
          if (error instanceof BadReviewError) {
            code = 400;
            res.status(400).json({ error: error.message });
            return;
          }
          // A bug must not let an object through unmutated or unchecked.
          logError(error);
          const uid = (req.body as any)?.request?.uid as string;
          response = deny(
            uid,
            `the Knot webhook failed: ${String(error)}`,
            500,
          );
        }
        if (!response.allowed) {
          metrics.denials.inc({ route, code: response.status?.code ?? 403 });
        }
        if (response.patch) metrics.patches.inc();
        const review: AdmissionReviewResponse = {
          apiVersion: 'admission.k8s.io/v1',
          kind: 'AdmissionReview',
          response,
        };
        // One string for head and body: Node writes it as one TLS record,
        // where res.json's Buffer costs a writev of two.
        const text = JSON.stringify(review);
        res.writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(text),
        });
        res.end(text);
      } finally {
        metrics.requests.inc({ route, code });
        end();
      }
    };

  app.post(
    '/mutate',
    json,
    admission('mutate', async body =>
      mutate(parseReview(body), { config, datasets }),
    ),
  );
  app.post(
    '/validate',
    json,
    admission('validate', async body => validate(parseReview(body), config)),
  );

  // Body parser errors (bad JSON, too large) are the client's: 4xx, counted.
  app.use(
    (
      error: any,
      req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      const status =
        typeof error?.status === 'number' &&
        error.status >= 400 &&
        error.status < 500
          ? error.status
          : 500;
      if (status === 500) logError(error);
      const route = req.path === '/validate' ? 'validate' : 'mutate';
      metrics.requests.inc({ route, code: status });
      const messages: Record<number, string> = {
        400: 'malformed JSON body',
        413: `request body larger than ${config.maxBodyBytes} bytes`,
      };
      res
        .status(status)
        .json({ error: messages[status] ?? String(error?.message ?? error) });
    },
  );
  return app;
}

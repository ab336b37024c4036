import express from 'express';
import type { WebhookConfig } from './config';
import { resolveConfig } from './config';
import { mutate } from './admission/mutate';
import { BadReviewError, parseReview } from './admission/parseReview';
import { BodyError, readJsonBody } from './admission/readJsonBody';
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

  const admission =
    (
      route: 'mutate' | 'validate',
      handle: (body: unknown) => Promise<AdmissionResponse>,
    ) =>
    async (req: express.Request, res: express.Response) => {
      const end = metrics.latency.startTimer({ route });
      let code = 200;
      let body: unknown;
      try {
        let response: AdmissionResponse;
        try {
          body = await readJsonBody(req, config.maxBodyBytes);
          response = await handle(body);
        } catch (error) {
          if (error instanceof BadReviewError || error instanceof BodyError) {
            code = error instanceof BodyError ? error.status : 400;
            res.status(code).json({ error: error.message });
            return;
          }
          // A bug must not let an object through unmutated or unchecked.
          logError(error);
          const uid = (body as any)?.request?.uid as string;
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
    admission('mutate', async body =>
      mutate(parseReview(body), { config, datasets }),
    ),
  );
  app.post(
    '/validate',
    admission('validate', async body => validate(parseReview(body), config)),
  );

  return app;
}

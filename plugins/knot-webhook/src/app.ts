import express from 'express';

/**
 * The webhook's HTTP application. Admission routes are added as the webhook
 * grows; for now it answers the probes Kubernetes and load balancers use.
 */
export function createWebhookApp(): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  return app;
}

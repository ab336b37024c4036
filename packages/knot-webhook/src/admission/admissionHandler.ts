import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebhookMetrics } from '../metrics';
import { BadReviewError } from './parseReview';
import { BodyError, readJsonBody } from './readJsonBody';
import type { AdmissionResponse, AdmissionReviewResponse } from './types';
import { deny } from './types';

export type AdmissionRoute = 'mutate' | 'validate';

export interface AdmissionHandlerOptions {
  route: AdmissionRoute;
  /** Answers one parsed request body; throws BadReviewError on bad input. */
  handle: (body: unknown) => Promise<AdmissionResponse>;
  metrics: WebhookMetrics;
  maxBodyBytes: number;
  logError: (error: unknown) => void;
}

function send(res: ServerResponse, status: number, value: unknown) {
  // One string for head and body: Node writes it as one TLS record.
  const text = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * One admission route as a plain Node request handler. The API server calls
 * it for every pod and workload created in users' namespaces, so it skips
 * the web framework: express's routing and response helpers cost several
 * times the admission logic itself (bench/webhook).
 */
export function createAdmissionHandler(options: AdmissionHandlerOptions) {
  const { route, handle, metrics, maxBodyBytes, logError } = options;
  // Label lookups once, not per request.
  const latency = metrics.latency.labels({ route });
  const requests = {
    ok: metrics.requests.labels({ route, code: 200 }),
    other: (code: number) => metrics.requests.labels({ route, code }),
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const end = latency.startTimer();
    let code = 200;
    let body: unknown;
    try {
      let response: AdmissionResponse;
      try {
        body = await readJsonBody(req, maxBodyBytes);
        response = await handle(body);
      } catch (error) {
        if (error instanceof BadReviewError || error instanceof BodyError) {
          code = error instanceof BodyError ? error.status : 400;
          send(res, code, { error: error.message });
          return;
        }
        // A bug must not let an object through unmutated or unchecked.
        logError(error);
        const uid = (body as any)?.request?.uid as string;
        response = deny(uid, `the Knot webhook failed: ${String(error)}`, 500);
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
      send(res, 200, review);
    } finally {
      (code === 200 ? requests.ok : requests.other(code)).inc();
      end();
    }
  };
}

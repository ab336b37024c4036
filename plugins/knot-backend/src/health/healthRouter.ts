import express from 'express';
import Router from 'express-promise-router';
import type { KnotHealth } from '@knot-platform/plugin-knot-common';
import type { KubernetesHealthProbe } from '../kubernetes/KubernetesHealthProbe';

/** `GET /health`: the plugin's version and whether the cluster answers. */
export function createHealthRouter(options: {
  version: string;
  probe: Pick<KubernetesHealthProbe, 'check'>;
  /** The audit log's count of entries it could not write. */
  auditWriteFailures?: () => number;
}): express.Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const body: KnotHealth = {
      status: 'ok',
      version: options.version,
      kubernetes: await options.probe.check(),
      auditWriteFailures: options.auditWriteFailures?.(),
    };
    res.json(body);
  });
  return router;
}

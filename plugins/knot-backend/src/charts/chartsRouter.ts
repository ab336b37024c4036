import type {
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import type { ServiceExposure } from '@knot-platform/plugin-knot-common';
import type { ChartCatalog } from './ChartCatalog';
import { chartTemplateEntities } from './chartTemplateEntities';

/** The chart Templates of the catalog (service credentials only). */
export function createChartsRouter(options: {
  httpAuth: HttpAuthService;
  charts: ChartCatalog;
  templateOwner: string;
  /** Where services are reached: the address the forms show. */
  exposure: ServiceExposure;
  logger: LoggerService;
}): express.Router {
  const router = Router();
  router.get('/catalog/entities/templates', async (req, res) => {
    await options.httpAuth.credentials(req, { allow: ['service'] });
    const body = await chartTemplateEntities(
      options.charts,
      options.templateOwner,
      options.exposure,
    );
    options.logger.info(`Knot offers ${body.items.length} chart template(s)`);
    res.json(body);
  });
  return router;
}

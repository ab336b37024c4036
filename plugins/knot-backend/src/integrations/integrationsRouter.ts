import type { HttpAuthService } from '@backstage/backend-plugin-api';
import type { KnotIntegrationList } from '@knot-platform/plugin-knot-common';
import express from 'express';
import Router from 'express-promise-router';
import type { IntegrationSettings } from './config';

/**
 * `GET /integrations`: the enabled integrations (name, purpose, URL) for the
 * home page and the sidebar; never their OIDC clients.
 */
export function createIntegrationsRouter(options: {
  httpAuth: HttpAuthService;
  integrations: IntegrationSettings[];
}): express.Router {
  const body: KnotIntegrationList = {
    items: options.integrations.map(({ name, title, purpose, url }) => ({
      name,
      title,
      purpose,
      url,
    })),
  };
  const router = Router();
  router.get('/integrations', async (req, res) => {
    await options.httpAuth.credentials(req, { allow: ['user'] });
    res.json(body);
  });
  return router;
}

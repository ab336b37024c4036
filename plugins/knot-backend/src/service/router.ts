import express from 'express';
import Router from 'express-promise-router';
import type { KnotHealth } from '@internal/plugin-knot-common';
import type { KubernetesHealthProbe } from '../kubernetes/KubernetesHealthProbe';
import { createUsersRouter, type UsersRouterOptions } from './usersRouter';

export interface RouterOptions {
  version: string;
  probe: Pick<KubernetesHealthProbe, 'check'>;
  users: UsersRouterOptions;
}

/** The Knot HTTP API, mounted at `/api/knot`. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const router = Router();
  router.use(express.json());

  router.get('/health', async (_req, res) => {
    const body: KnotHealth = {
      status: 'ok',
      version: options.version,
      kubernetes: await options.probe.check(),
    };
    res.json(body);
  });

  router.use(createUsersRouter(options.users));

  return router;
}

import express from 'express';
import Router from 'express-promise-router';
import type { KnotHealth } from '@knot-platform/plugin-knot-common';
import type { KubernetesHealthProbe } from '../kubernetes/KubernetesHealthProbe';
import {
  createProvisioningRouter,
  type ProvisioningRouterOptions,
} from './provisioningRouter';
import { createUsersRouter, type UsersRouterOptions } from './usersRouter';

export interface RouterOptions {
  version: string;
  probe: Pick<KubernetesHealthProbe, 'check'>;
  provisioning?: ProvisioningRouterOptions;
  /** The file API (`/files/...`), see filesRouter.ts. */
  files?: express.Router;
  /** Services (helm releases) and their forward-auth, see plugin.ts. */
  services?: express.Router;
  users: UsersRouterOptions;
  /** Profile access for other plugins, see profileAccessRouter.ts. */
  profileAccess?: express.Router;
}

/** The Knot HTTP API, mounted at `/api/knot`. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const router = Router();
  // Before the JSON parser: the file API streams request bodies itself.
  if (options.files) router.use('/files', options.files);
  router.use(express.json());

  router.get('/health', async (_req, res) => {
    const body: KnotHealth = {
      status: 'ok',
      version: options.version,
      kubernetes: await options.probe.check(),
    };
    res.json(body);
  });

  if (options.provisioning) {
    router.use(createProvisioningRouter(options.provisioning));
  }
  if (options.services) router.use(options.services);
  if (options.profileAccess) router.use(options.profileAccess);
  router.use(createUsersRouter(options.users));

  return router;
}

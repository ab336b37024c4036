import express from 'express';
import Router from 'express-promise-router';
import { InputError } from '@backstage/errors';
import {
  knotProvisioningManagePermission,
  USERNAME_PATTERN,
} from '@knot-platform/plugin-knot-common';
import {
  requirePermission,
  type PermissionCheck,
} from '../permissions/requirePermission';
import type { LeftoverFolders } from './LeftoverFolders';
import type { ProvisioningReconciler } from './ProvisioningReconciler';

export interface ProvisioningRouterOptions {
  reconciler: Pick<
    ProvisioningReconciler,
    'status' | 'reconcileAll' | 'reconcileProfile'
  >;
  folders: Pick<LeftoverFolders, 'list' | 'delete'>;
  permissions: PermissionCheck;
}

/**
 * Routes of per-profile provisioning, under `/provisioning`, for who holds
 * `knot.provisioning.manage` (Knot admins).
 */
export function createProvisioningRouter(
  options: ProvisioningRouterOptions,
): express.Router {
  const { reconciler, folders, permissions } = options;
  const router = Router();

  router.use('/provisioning', async (req, _res, next) => {
    await requirePermission(permissions, req, knotProvisioningManagePermission);
    next();
  });

  router.get('/provisioning/profiles', async (_req, res) => {
    res.json({ items: await reconciler.status() });
  });

  // Body `{}` reconciles every profile, `{ "profile": "<name>" }` one.
  router.post('/provisioning/reconcile', async (req, res) => {
    if (Array.isArray(req.body)) {
      throw new InputError(
        'The body must be {} (every profile) or { "profile": "<name>" }',
      );
    }
    const profile = req.body?.profile;
    if (profile === undefined) {
      res.json(await reconciler.reconcileAll());
      return;
    }
    if (typeof profile !== 'string' || !USERNAME_PATTERN.test(profile)) {
      throw new InputError(
        `'profile' must be a user or team name matching ${USERNAME_PATTERN}`,
      );
    }
    res.json(await reconciler.reconcileProfile(profile));
  });

  router.get('/provisioning/folders', async (_req, res) => {
    res.json({ items: await folders.list() });
  });

  // Deleting data needs the name typed again: `{ "confirm": "<name>" }`.
  router.delete('/provisioning/folders/:name', async (req, res) => {
    const { name } = req.params;
    if (req.body?.confirm !== name) {
      throw new InputError(
        `Confirm the deletion with { "confirm": "${name}" } in the body`,
      );
    }
    res.json(await folders.delete(name));
  });

  return router;
}

import express from 'express';
import Router from 'express-promise-router';
import { InputError } from '@backstage/errors';
import { USERNAME_PATTERN } from '@knot-platform/plugin-knot-common';
import type { RequireAdmin } from '../provisioning/AdminCheck';
import type { ProvisioningReconciler } from '../provisioning/ProvisioningReconciler';

export interface ProvisioningRouterOptions {
  reconciler: Pick<
    ProvisioningReconciler,
    | 'status'
    | 'reconcileAll'
    | 'reconcileProfile'
    | 'leftoverFolders'
    | 'deleteLeftoverFolder'
  >;
  requireAdmin: RequireAdmin;
}

/** Admin routes of per-profile provisioning, under `/provisioning`. */
export function createProvisioningRouter(
  options: ProvisioningRouterOptions,
): express.Router {
  const { reconciler, requireAdmin } = options;
  const router = Router();

  router.use('/provisioning', async (req, _res, next) => {
    await requireAdmin(req);
    next();
  });

  router.get('/provisioning/profiles', async (_req, res) => {
    res.json({ items: await reconciler.status() });
  });

  // Body `{}` reconciles every profile, `{ "profile": "<name>" }` one.
  router.post('/provisioning/reconcile', async (req, res) => {
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
    res.json({ items: await reconciler.leftoverFolders() });
  });

  // Deleting data needs the name typed again: `{ "confirm": "<name>" }`.
  router.delete('/provisioning/folders/:name', async (req, res) => {
    const { name } = req.params;
    if (req.body?.confirm !== name) {
      throw new InputError(
        `Confirm the deletion with { "confirm": "${name}" } in the body`,
      );
    }
    res.json(await reconciler.deleteLeftoverFolder(name));
  });

  return router;
}

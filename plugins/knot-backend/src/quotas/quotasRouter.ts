import { InputError, NotFoundError } from '@backstage/errors';
import {
  knotProvisioningManagePermission,
  USERNAME_PATTERN,
  type ProfileQuotaList,
  type QuotaOverridesResult,
} from '@knot-platform/plugin-knot-common';
import express from 'express';
import Router from 'express-promise-router';
import {
  requirePermission,
  type PermissionCheck,
} from '../permissions/requirePermission';
import type { ProfileResolver } from '../profiles/ProfileResolver';
import type { ProfileSource } from '../provisioning/ProfileSource';
import type { ProvisioningReconciler } from '../provisioning/ProvisioningReconciler';
import type { ProfileQuotas } from './ProfileQuotas';
import type { QuotaOverrideStore } from './QuotaOverrideStore';
import { checkQuotaOverrides } from './quotaResources';
import { errorMessage } from '../provisioning/KubeObjects';
import {
  notAudited,
  recordIn,
  type AuditRecorder,
} from '../audit/AuditRecorder';
import { sourceAddress } from '../audit/sourceAddress';

export interface QuotasRouterOptions {
  resolver: ProfileResolver;
  permissions: PermissionCheck;
  quotas: ProfileQuotas;
  overrides: Pick<QuotaOverrideStore, 'replace'>;
  /** The profiles that exist (without the overrides: they are read here). */
  profiles: ProfileSource;
  /** Whether a profile is a team (the acting profile's answer says so). */
  isTeam(name: string): Promise<boolean>;
  reconciler: Pick<ProvisioningReconciler, 'reconcileProfile'>;
  /** Records each change (`quota.change`) in the change's transaction. */
  audit?: AuditRecorder;
}

/**
 * Quotas, mounted at `/api/knot`: `GET /quota` the acting profile's used /
 * limit per resource (a team's for its members); `/admin/quotas` every
 * profile's, and an admin's overrides of one profile, for who holds
 * `knot.provisioning.manage` (Knot admins). A change reconciles the profile
 * at once, so its ResourceQuota follows before the answer.
 */
export function createQuotasRouter(
  options: QuotasRouterOptions,
): express.Router {
  const { resolver, permissions, quotas, overrides, profiles, reconciler } =
    options;
  const audit = options.audit ?? notAudited;
  const router = Router();
  router.use(express.json({ limit: '16kb' }));

  /** Stores a profile's overrides with their audit entry, at once. */
  async function store(
    req: express.Request,
    admin: string,
    profile: string,
    quota: Record<string, string>,
  ) {
    await overrides.replace(
      profile,
      quota,
      admin,
      recordIn(audit, {
        action: 'quota.change',
        actor: admin,
        actingProfile: admin,
        target: `quota ${profile}`,
        targetProfile: profile,
        result: 'success',
        sourceIp: sourceAddress(req),
        details: { overrides: quota },
      }),
    );
  }

  router.get('/quota', async (req, res) => {
    const profile = await resolver.resolve(req);
    res.json(
      await quotas.quotaOf(profile.name, await options.isTeam(profile.name)),
    );
  });

  // Every /admin/quotas route: the admin's name is kept for the rows.
  router.use('/admin/quotas', async (req, res, next) => {
    res.locals.admin = await requirePermission(
      permissions,
      req,
      knotProvisioningManagePermission,
    );
    next();
  });

  router.get('/admin/quotas', async (_req, res) => {
    const targets = await profiles.listProfiles();
    const items = await quotas.quotasOf(
      targets
        .map(t => ({ name: t.name, isTeam: t.isTeam }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    );
    const body: ProfileQuotaList = { items, resources: quotas.resources() };
    res.json(body);
  });

  /** The profile named in the path, refused unless it exists. */
  async function existingProfile(name: string) {
    if (!USERNAME_PATTERN.test(name)) {
      throw new InputError(`'${name}' is not a user or team name`);
    }
    const target = (await profiles.listProfiles()).find(t => t.name === name);
    if (!target) {
      throw new NotFoundError(`No user or team named '${name}'`);
    }
    return target;
  }

  /** Reconciles the changed profile; a failure is reported, not thrown. */
  async function changed(
    name: string,
    stored: Record<string, string>,
  ): Promise<QuotaOverridesResult> {
    const startedAt = new Date().toISOString();
    const reconcile = await reconciler.reconcileProfile(name).catch(error => ({
      startedAt,
      durationMs: 0,
      profiles: 1,
      actions: [
        {
          profile: name,
          kind: 'Profile',
          name,
          action: 'failed' as const,
          detail: `saved, but the cluster did not follow yet: ${errorMessage(
            error,
          )}`,
        },
      ],
    }));
    return { profile: name, overrides: stored, reconcile };
  }

  // The body holds all of the profile's overrides: `{ "quota": { … } }`.
  router.put('/admin/quotas/:profile', async (req, res) => {
    const target = await existingProfile(req.params.profile);
    const quota = checkQuotaOverrides(req.body?.quota, quotas.resources());
    await store(req, res.locals.admin, target.name, quota);
    res.json(await changed(target.name, quota));
  });

  router.delete('/admin/quotas/:profile', async (req, res) => {
    const target = await existingProfile(req.params.profile);
    await store(req, res.locals.admin, target.name, {});
    res.json(await changed(target.name, {}));
  });

  return router;
}

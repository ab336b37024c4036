import express from 'express';
import Router from 'express-promise-router';
import type {
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import {
  serviceUrl,
  type KnotServiceShareList,
  type KnotSharedServiceList,
} from '@knot-platform/plugin-knot-common';
import type { ProfileResolver } from '../profiles/ProfileResolver';
import type { ExposureSettings } from '../releases/config';
import type { Helm } from '../releases/Helm';
import type { AuditRecord } from '../audit/AuditLog';
import {
  clientText,
  notAudited,
  recordFailureOf,
  recordIn,
  type AuditRecorder,
} from '../audit/AuditRecorder';
import { sourceAddress } from '../audit/sourceAddress';
import type { ShareAccess } from './ServiceShareAccess';
import type { ServiceShares } from './ServiceShares';

export interface SharingRouterOptions {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  profiles: ProfileResolver;
  helm: Pick<Helm, 'list'>;
  shares: ServiceShares;
  /** Forward-auth's rule: the list shows only what it would let in. */
  access: ShareAccess;
  exposure: ExposureSettings;
  /** Grants and revocations: in their transaction, or as failures. */
  audit?: AuditRecorder;
}

/**
 * Sharing the acting profile's services with users and teams, and the
 * services others shared with the signed-in user. Listing needs the right
 * to look at the profile; sharing and revoking the right to change it (as
 * deploy and delete: a team's viewers may not), both by the acting
 * profile's resolver.
 */
export function createSharingRouter(
  options: SharingRouterOptions,
): express.Router {
  const { profiles, helm, shares } = options;
  const audit = options.audit ?? notAudited;
  const router = Router();

  const shareEntry = (
    req: express.Request,
    profile: { name: string; actor: string },
    action: AuditRecord['action'],
    grantee: unknown,
    details?: Record<string, unknown>,
  ): AuditRecord => ({
    action,
    actor: profile.actor,
    actingProfile: profile.name,
    // AuditLog.record replaces control characters in the target.
    target: `service ${profile.name}/${req.params.name} grantee ${clientText(
      grantee,
    )}`,
    targetProfile: profile.name,
    sourceIp: sourceAddress(req),
    details: { grantee: clientText(grantee), ...details },
  });

  /** The acting profile and its release `name` (404 when it has none). */
  const ownService = async (req: express.Request) => {
    const profile = await profiles.resolve(req);
    const name = req.params.name;
    const releases = await helm.list(profile.namespace);
    if (!releases.some(r => r.name === name)) {
      throw new NotFoundError(`No service '${name}' in ${profile.namespace}`);
    }
    return { profile, name };
  };

  router.get('/services/:name/shares', async (req, res) => {
    const { profile, name } = await ownService(req);
    const body: KnotServiceShareList = {
      items: await shares.list(profile.name, name),
    };
    res.json(body);
  });

  router.post('/services/:name/shares', async (req, res) => {
    // The request's own faults first (400), then whether the service is.
    const acting = await profiles.resolve(req);
    const grantee = req.body?.grantee;
    const expiresAt = req.body?.expiresAt;
    const entry = shareEntry(req, acting, 'share.grant', grantee, {
      expiresAt:
        typeof expiresAt === 'string' ? clientText(expiresAt) : undefined,
    });
    const share = await recordFailureOf(audit, entry, async () => {
      await shares.checkRequest(acting.name, grantee, expiresAt);
      const { profile, name } = await ownService(req);
      return shares.add(
        {
          owner: profile.name,
          service: name,
          grantee,
          createdBy: profile.actor,
          expiresAt,
        },
        recordIn(audit, entry),
      );
    });
    res.status(201).json(share);
  });

  router.delete('/services/:name/shares/:grantee', async (req, res) => {
    const acting = await profiles.resolve(req);
    const { grantee } = req.params;
    const entry = shareEntry(req, acting, 'share.revoke', grantee);
    await recordFailureOf(audit, entry, async () => {
      const { profile, name } = await ownService(req);
      await shares.revoke(profile.name, name, grantee, recordIn(audit, entry));
    });
    res.status(204).end();
  });

  // Shared with the signed-in user, whichever profile they act as.
  router.get('/me/shared-services', async (req, res) => {
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user'],
    });
    const { userEntityRef } = await options.userInfo.getUserInfo(credentials);
    const username = parseEntityRef(userEntityRef).name;
    const grants = await shares.grantsFor(username);
    // One entry per service: a direct share before a team's.
    const byService = new Map<string, (typeof grants)[number]>();
    for (const grant of grants) {
      if (grant.owner === username) continue;
      const key = `${grant.owner}/${grant.service}`;
      const seen = byService.get(key);
      if (!seen || (seen.granteeIsTeam && !grant.granteeIsTeam)) {
        byService.set(key, grant);
      }
    }
    const open = [];
    for (const grant of byService.values()) {
      if (await options.access.admits(username, grant.owner, grant.service)) {
        open.push(grant);
      }
    }
    const body: KnotSharedServiceList = {
      items: open
        .sort(
          (a, b) =>
            a.owner.localeCompare(b.owner) ||
            a.service.localeCompare(b.service),
        )
        .map(grant => ({
          owner: grant.owner,
          service: grant.service,
          url: serviceUrl(grant.service, grant.owner, options.exposure),
          via: grant.grantee,
          sharedBy: grant.createdBy,
          expiresAt: grant.expiresAt?.toISOString(),
        })),
    };
    res.json(body);
  });

  return router;
}

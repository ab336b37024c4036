import express from 'express';
import Router from 'express-promise-router';
import { InputError } from '@backstage/errors';
import type { ProfileResolver } from '../profiles/ProfileResolver';
import type { IdleStopper } from './IdleStopper';
import {
  clientText,
  notAudited,
  recordOutcome,
  type AuditRecorder,
} from '../audit/AuditRecorder';
import { sourceAddress } from '../audit/sourceAddress';

export interface IdleStopRouterOptions {
  profiles: ProfileResolver;
  stopper: Pick<IdleStopper, 'start' | 'setKeepRunning'>;
  /** Records each Start (`service.start`) with its outcome. */
  audit?: AuditRecorder;
}

/**
 * Start and "Keep running" of the acting profile's services: whoever may
 * deploy and delete them (the profile resolver's check, as the other
 * service routes). Start is a POST with Backstage credentials only: a
 * link or an image on another site cannot start a service.
 */
export function createIdleStopRouter(
  options: IdleStopRouterOptions,
): express.Router {
  const router = Router();

  router.post('/services/:name/start', async (req, res) => {
    const profile = await options.profiles.resolve(req);
    await recordOutcome(
      options.audit ?? notAudited,
      {
        action: 'service.start',
        actor: profile.actor ?? profile.name,
        actingProfile: profile.name,
        target: `service ${profile.name}/${clientText(req.params.name)}`,
        targetProfile: profile.name,
        sourceIp: sourceAddress(req),
      },
      () => options.stopper.start(profile.namespace, req.params.name),
    );
    res.status(204).end();
  });

  router.put('/services/:name/keep-running', async (req, res) => {
    // Who may act first: a stranger learns nothing, not even a 400.
    const profile = await options.profiles.resolve(req);
    const keepRunning = (req.body as { keepRunning?: unknown } | undefined)
      ?.keepRunning;
    if (typeof keepRunning !== 'boolean') {
      throw new InputError(
        'Body must be { "keepRunning": true } or { "keepRunning": false }',
      );
    }
    await options.stopper.setKeepRunning(
      profile.namespace,
      req.params.name,
      keepRunning,
    );
    res.status(204).end();
  });

  return router;
}

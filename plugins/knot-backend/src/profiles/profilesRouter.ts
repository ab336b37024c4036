import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  USERNAME_PATTERN,
  type ActingProfiles,
  type KnotCatalogEntities,
  type ProfileAccessAnswer,
} from '@knot-platform/plugin-knot-common';
import express from 'express';
import Router from 'express-promise-router';
import type { UserStore } from '../identity/UserStore';
import {
  catalogProfiles,
  KNOT_PROFILES_LOCATION,
  profileEntities,
} from './profileEntities';
import type { ProfileResolver } from './ProfileResolver';
import type { StoreProfileAccess } from './StoreProfileAccess';
import type { AuditRecord } from '../audit/AuditLog';
import { notAudited, type AuditRecorder } from '../audit/AuditRecorder';
import { sourceAddress } from '../audit/sourceAddress';

/**
 * The acting profile of the signed-in user (`GET /profile`), and the
 * profile routes other plugins call with service credentials (through
 * `knotServiceRef`): who may act as a profile, the profiles a user may act
 * as, the Users and Groups of the catalog.
 */
export function createProfilesRouter(options: {
  httpAuth: HttpAuthService;
  access: StoreProfileAccess;
  resolver: ProfileResolver;
  store: UserStore;
  /** Whether the request's user may impersonate (a permission check). */
  mayImpersonate?: (req: express.Request) => Promise<boolean>;
  /** Profile switches and impersonation are recorded. */
  audit?: AuditRecorder;
}): express.Router {
  const { httpAuth, access, resolver, store } = options;
  const audit = options.audit ?? notAudited;
  const router = Router();
  const servicesOnly = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['service'] });

  // The profile this request acts as (x-knot-profile checked): lets the
  // profile switcher confirm a choice before using it.
  router.get('/profile', async (req, res) => {
    res.json(await resolver.resolve(req));
  });

  // The portal switched its acting profile (the x-knot-profile header) from
  // `previous`: recorded as a switch, or as the start or stop of an
  // impersonation. The header is checked as for reading.
  router.post('/profile/switch', express.json(), async (req, res) => {
    const profile = await resolver.resolve(req, 'read');
    const { actor, name } = profile;
    const body: unknown = req.body ?? {};
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new InputError(
        'Send a JSON object: { "previous": "<the profile acted as before>" }',
      );
    }
    const previous = (body as { previous?: unknown }).previous;
    if (
      previous !== undefined &&
      previous !== null &&
      (typeof previous !== 'string' || !USERNAME_PATTERN.test(previous))
    ) {
      throw new InputError("'previous' must be the profile acted as before");
    }
    const from: string = previous ?? actor;
    const entry = (
      action: AuditRecord['action'],
      target: string,
    ): AuditRecord => ({
      action,
      actor,
      actingProfile: target,
      target: `profile ${target}`,
      targetProfile: target,
      sourceIp: sourceAddress(req),
      details: { from, to: name },
    });
    // Acting as a profile one may not act as oneself is impersonation;
    // only someone allowed to impersonate can have been impersonating.
    const impersonates = async (target: string) =>
      target !== actor &&
      !(await access.check(actor, target, 'read')).allowed &&
      (await options.mayImpersonate?.(req)) === true;
    const stopped = from !== name && (await impersonates(from));
    const started = await impersonates(name);
    if (stopped) await audit.record(entry('impersonation.stop', from));
    if (started && from !== name) {
      await audit.record(entry('impersonation.start', name));
    }
    if (!stopped && !started && from !== name) {
      await audit.record(entry('profile.switch', name));
    }
    res.json(profile);
  });

  // Every profile a user may act as (the permission policy's question).
  router.get('/acting-profiles', async (req, res) => {
    await servicesOnly(req);
    const body: ActingProfiles = await access.actingProfilesOf(
      actorOf(req.query.user),
    );
    res.json(body);
  });

  router.get('/profile-access/:profile', async (req, res) => {
    await servicesOnly(req);
    const profile = req.params.profile;
    if (!USERNAME_PATTERN.test(profile)) {
      throw new InputError(`'${profile}' is not a profile name`);
    }
    const user = req.query.user;
    const actor = user === undefined ? undefined : actorOf(user);
    const reason = actor ? await access.refusalFor(actor, profile) : undefined;
    const body: ProfileAccessAnswer = {
      allowed: Boolean(actor) && !reason,
      ...(reason ? { reason } : {}),
      ownerRef: await access.ownerRef(profile),
    };
    res.json(body);
  });

  // Users and Groups for the catalog module's provider.
  router.get('/catalog/entities/profiles', async (req, res) => {
    await servicesOnly(req);
    const body: KnotCatalogEntities = {
      items: profileEntities(await catalogProfiles(store)).map(entity => ({
        entity,
        locationKey: KNOT_PROFILES_LOCATION,
      })),
    };
    res.json(body);
  });

  return router;
}

/** The username of the `user` query parameter, an entity ref. */
function actorOf(user: unknown): string {
  if (typeof user !== 'string') {
    throw new InputError('user must be one entity ref');
  }
  try {
    return parseEntityRef(user, { defaultKind: 'user' }).name;
  } catch {
    throw new InputError(`'${user}' is not a user entity ref`);
  }
}

import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { USERNAME_PATTERN } from '@knot-platform/plugin-knot-common';
import express from 'express';
import Router from 'express-promise-router';
import type { ActingProfiles } from '../profiles/ProfileAccess';
import type { StoreProfileAccess } from '../profiles/StoreProfileAccess';

/**
 * `GET /profile-access/:profile?user=<entity ref>`, see HttpProfileAccess;
 * `GET /acting-profiles?user=<entity ref>` answers ActingProfiles.
 */
export interface ProfileAccessAnswer {
  allowed: boolean;
  /** Why not, in words for the user. */
  reason?: string;
  /** The catalog owner of the profile's things. */
  ownerRef: string;
}

/**
 * Lets other plugins of this backend (scaffolder, catalog modules) ask who
 * may act as a profile: the user store lives in this plugin's database.
 * Service credentials only — users ask through their acting profile.
 */
export function createProfileAccessRouter(options: {
  httpAuth: HttpAuthService;
  access: StoreProfileAccess;
}): express.Router {
  const { httpAuth, access } = options;
  const router = Router();
  // Every profile a user may act as (the permission policy's question).
  router.get('/acting-profiles', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const body: ActingProfiles = await access.actingProfilesOf(
      actorOf(req.query.user),
    );
    res.json(body);
  });
  router.get('/profile-access/:profile', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
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

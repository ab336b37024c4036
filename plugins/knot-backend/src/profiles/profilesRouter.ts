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
}): express.Router {
  const { httpAuth, access, resolver, store } = options;
  const router = Router();
  const servicesOnly = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['service'] });

  // The profile this request acts as (x-knot-profile checked): lets the
  // profile switcher confirm a choice before using it.
  router.get('/profile', async (req, res) => {
    res.json(await resolver.resolve(req));
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

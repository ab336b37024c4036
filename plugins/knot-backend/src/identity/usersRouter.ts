import type {
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  knotTeamsManagePermission,
  knotUsersManagePermission,
  type KnotMe,
} from '@knot-platform/plugin-knot-common';
import express from 'express';
import Router from 'express-promise-router';
import {
  requirePermission,
  type PermissionCheck,
} from '../permissions/requirePermission';
import type { KnotAdmins } from './KnotAdmins';
import type { UserStore } from './UserStore';

export interface UsersRouterOptions {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  store: UserStore;
  admins: KnotAdmins;
  permissions: PermissionCheck;
}

function booleanField(body: unknown, field: string): boolean | undefined {
  const value = (body as Record<string, unknown> | undefined)?.[field];
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'boolean') {
    throw new InputError(`'${field}' must be true or false`);
  }
  return value;
}

/**
 * Users, teams and the signed-in account, mounted at `/api/knot`:
 * `/me` for every signed-in user, `/users` and `/teams` for who holds
 * `knot.users.manage` and `knot.teams.manage` (Knot admins).
 */
export function createUsersRouter(options: UsersRouterOptions): express.Router {
  const { httpAuth, userInfo, store, admins, permissions } = options;
  const router = Router();
  router.use(express.json());

  async function signedIn(req: express.Request): Promise<string> {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { userEntityRef } = await userInfo.getUserInfo(credentials);
    return parseEntityRef(userEntityRef).name;
  }

  const manageUsers = (req: express.Request) =>
    requirePermission(permissions, req, knotUsersManagePermission);
  const manageTeams = (req: express.Request) =>
    requirePermission(permissions, req, knotTeamsManagePermission);

  // --- the signed-in user ---------------------------------------------------

  router.get('/me', async (req, res) => {
    const username = await signedIn(req);
    const user = await store.getUser(username);
    const teams = user ? await store.teamsOf(username) : [];
    const body: KnotMe = {
      username,
      email: user?.email,
      admin: await admins.isAdmin(username),
      teams,
      profiles: [username, ...teams],
    };
    res.json(body);
  });

  router.post('/me/password', async (req, res) => {
    const username = await signedIn(req);
    const { currentPassword, newPassword } = req.body ?? {};
    if (typeof currentPassword !== 'string' || !currentPassword) {
      throw new InputError('currentPassword is required');
    }
    await store.changePassword(username, currentPassword, newPassword);
    res.status(204).end();
  });

  // --- users (knot.users.manage) ------------------------------------------

  router.get('/users', async (req, res) => {
    await manageUsers(req);
    res.json({ items: await store.listUsers() });
  });

  router.patch('/users/:username', async (req, res) => {
    const admin = await manageUsers(req);
    const { username } = req.params;
    const active = booleanField(req.body, 'active');
    const makeAdmin = booleanField(req.body, 'admin');
    if (active === undefined && makeAdmin === undefined) {
      throw new InputError("Send 'active' and/or 'admin' (true or false)");
    }
    const user = await store.getUser(username);
    if (!user || user.team) {
      throw new NotFoundError(`No user named '${username}'`);
    }
    if (username === admin && (active === false || makeAdmin === false)) {
      throw new InputError(
        'You cannot deactivate yourself or drop your own admin rights',
      );
    }
    if (active !== undefined) {
      await store.setActive(username, active);
    }
    if (makeAdmin !== undefined) {
      await store.setAdmin(username, makeAdmin);
    }
    res.json(await store.getUser(username));
  });

  router.delete('/users/:username', async (req, res) => {
    const admin = await manageUsers(req);
    const { username } = req.params;
    if (username === admin) {
      throw new InputError('You cannot delete yourself');
    }
    const user = await store.getUser(username);
    if (!user || user.team) {
      throw new NotFoundError(`No user named '${username}'`);
    }
    await store.deleteProfile(username);
    res.status(204).end();
  });

  // --- teams (knot.teams.manage) ------------------------------------------

  router.get('/teams', async (req, res) => {
    await manageTeams(req);
    res.json({ items: await store.listTeams() });
  });

  router.post('/teams', async (req, res) => {
    await manageTeams(req);
    const { name, members } = req.body ?? {};
    if (
      members !== undefined &&
      (!Array.isArray(members) || members.some(m => typeof m !== 'string'))
    ) {
      throw new InputError("'members' must be a list of usernames");
    }
    res.status(201).json(await store.createTeam(name, members ?? []));
  });

  // Approves a self-service team that waits for an admin.
  router.patch('/teams/:team', async (req, res) => {
    await manageTeams(req);
    if (booleanField(req.body, 'active') !== true) {
      throw new InputError("Send 'active': true to approve the team");
    }
    await store.approveTeam(req.params.team);
    res.json(await store.getTeam(req.params.team));
  });

  router.delete('/teams/:team', async (req, res) => {
    await manageTeams(req);
    await store.deleteTeam(req.params.team);
    res.status(204).end();
  });

  router.post('/teams/:team/members', async (req, res) => {
    await manageTeams(req);
    await store.addMember(req.params.team, req.body?.username);
    res.json(await store.getTeam(req.params.team));
  });

  router.delete('/teams/:team/members/:username', async (req, res) => {
    await manageTeams(req);
    await store.removeMember(req.params.team, req.params.username);
    res.json(await store.getTeam(req.params.team));
  });

  return router;
}

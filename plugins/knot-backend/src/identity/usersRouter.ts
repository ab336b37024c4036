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
import {
  clientText,
  notAudited,
  recordIn,
  type AuditRecorder,
} from '../audit/AuditRecorder';
import { sourceAddress } from '../audit/sourceAddress';
import type { AuditRecord } from '../audit/AuditLog';
import type { KnotAdmins } from './KnotAdmins';
import type { UserStore } from './UserStore';

export interface UsersRouterOptions {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  store: UserStore;
  admins: KnotAdmins;
  permissions: PermissionCheck;
  audit?: AuditRecorder;
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
  const audit = options.audit ?? notAudited;
  const router = Router();
  router.use(express.json());

  /** An admin's change, recorded in the store's transaction. */
  const recorded = (
    req: express.Request,
    admin: string,
    entry: Omit<AuditRecord, 'actor' | 'actingProfile' | 'sourceIp'>,
  ) =>
    recordIn(audit, {
      ...entry,
      actor: admin,
      actingProfile: admin,
      sourceIp: sourceAddress(req),
    });

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
    const target = { target: `user ${username}`, targetProfile: username };
    if (active !== undefined) {
      await store.setActive(
        username,
        active,
        recorded(req, admin, {
          action: active ? 'user.approve' : 'user.deactivate',
          ...target,
        }),
      );
    }
    if (makeAdmin !== undefined) {
      await store.setAdmin(
        username,
        makeAdmin,
        recorded(req, admin, {
          action: 'user.setAdmin',
          ...target,
          details: { admin: makeAdmin },
        }),
      );
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
    await store.deleteProfile(
      username,
      recorded(req, admin, {
        action: 'user.delete',
        target: `user ${username}`,
        targetProfile: username,
      }),
    );
    res.status(204).end();
  });

  // --- teams (knot.teams.manage) ------------------------------------------

  router.get('/teams', async (req, res) => {
    await manageTeams(req);
    res.json({ items: await store.listTeams() });
  });

  router.post('/teams', async (req, res) => {
    const admin = await manageTeams(req);
    const { name, members } = req.body ?? {};
    if (
      members !== undefined &&
      (!Array.isArray(members) || members.some(m => typeof m !== 'string'))
    ) {
      throw new InputError("'members' must be a list of usernames");
    }
    res.status(201).json(
      await store.createTeam(
        name,
        members ?? [],
        {},
        recorded(req, admin, {
          action: 'team.create',
          target: `team ${clientText(name)}`,
          targetProfile: clientText(name),
          details: { members: members ?? [] },
        }),
      ),
    );
  });

  // Approves a self-service team that waits for an admin.
  router.patch('/teams/:team', async (req, res) => {
    const admin = await manageTeams(req);
    if (booleanField(req.body, 'active') !== true) {
      throw new InputError("Send 'active': true to approve the team");
    }
    const { team } = req.params;
    await store.approveTeam(
      team,
      recorded(req, admin, {
        action: 'team.approve',
        target: `team ${team}`,
        targetProfile: team,
      }),
    );
    res.json(await store.getTeam(req.params.team));
  });

  router.delete('/teams/:team', async (req, res) => {
    const admin = await manageTeams(req);
    const { team } = req.params;
    await store.deleteTeam(
      team,
      recorded(req, admin, {
        action: 'team.delete',
        target: `team ${team}`,
        targetProfile: team,
      }),
    );
    res.status(204).end();
  });

  router.post('/teams/:team/members', async (req, res) => {
    const admin = await manageTeams(req);
    const { team } = req.params;
    const member = req.body?.username;
    await store.addMember(
      team,
      member,
      'member',
      recorded(req, admin, {
        action: 'team.addMember',
        target: `team ${team} member ${clientText(member)}`,
        targetProfile: team,
        details: { member: clientText(member), role: 'member' },
      }),
    );
    res.json(await store.getTeam(req.params.team));
  });

  router.delete('/teams/:team/members/:username', async (req, res) => {
    const admin = await manageTeams(req);
    const { team, username } = req.params;
    await store.removeMember(
      team,
      username,
      {},
      recorded(req, admin, {
        action: 'team.removeMember',
        target: `team ${team} member ${username}`,
        targetProfile: team,
        details: { member: username },
      }),
    );
    res.json(await store.getTeam(req.params.team));
  });

  return router;
}

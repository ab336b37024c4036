import type {
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type {
  KnotInvitationList,
  KnotMyTeamList,
} from '@knot-platform/plugin-knot-common';
import express from 'express';
import Router from 'express-promise-router';
import type { SelfServiceTeams } from './SelfServiceTeams';

/**
 * The signed-in user's teams, mounted at `/api/knot/me`: create a team,
 * answer invitations, and (owners) invite, change roles, remove, transfer;
 * (members) leave. Who may do what is decided by {@link SelfServiceTeams}.
 */
export function createSelfServiceTeamsRouter(options: {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  teams: SelfServiceTeams;
}): express.Router {
  const { httpAuth, userInfo, teams } = options;
  const router = Router();
  router.use(express.json());

  async function signedIn(req: express.Request): Promise<string> {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { userEntityRef } = await userInfo.getUserInfo(credentials);
    return parseEntityRef(userEntityRef).name;
  }

  router.get('/me/teams', async (req, res) => {
    const body: KnotMyTeamList = {
      items: await teams.teamsOf(await signedIn(req)),
    };
    res.json(body);
  });

  router.post('/me/teams', async (req, res) => {
    const actor = await signedIn(req);
    res.status(201).json(await teams.create(actor, req.body?.name));
  });

  router.post('/me/teams/:team/invitations', async (req, res) => {
    const actor = await signedIn(req);
    const { username, role } = req.body ?? {};
    res
      .status(201)
      .json(await teams.invite(actor, req.params.team, username, role));
  });

  router.delete('/me/teams/:team/invitations/:username', async (req, res) => {
    const actor = await signedIn(req);
    await teams.cancelInvitation(actor, req.params.team, req.params.username);
    res.status(204).end();
  });

  router.put('/me/teams/:team/members/:username/role', async (req, res) => {
    const actor = await signedIn(req);
    await teams.setRole(
      actor,
      req.params.team,
      req.params.username,
      req.body?.role,
    );
    res.status(204).end();
  });

  router.delete('/me/teams/:team/members/:username', async (req, res) => {
    const actor = await signedIn(req);
    await teams.remove(actor, req.params.team, req.params.username);
    res.status(204).end();
  });

  router.post('/me/teams/:team/leave', async (req, res) => {
    await teams.leave(await signedIn(req), req.params.team);
    res.status(204).end();
  });

  router.post('/me/teams/:team/transfer', async (req, res) => {
    const actor = await signedIn(req);
    await teams.transfer(actor, req.params.team, req.body?.username);
    res.status(204).end();
  });

  router.get('/me/invitations', async (req, res) => {
    const body: KnotInvitationList = {
      items: await teams.invitationsFor(await signedIn(req)),
    };
    res.json(body);
  });

  router.post('/me/invitations/:team/accept', async (req, res) => {
    await teams.accept(await signedIn(req), req.params.team);
    res.status(204).end();
  });

  router.post('/me/invitations/:team/decline', async (req, res) => {
    await teams.decline(await signedIn(req), req.params.team);
    res.status(204).end();
  });

  return router;
}

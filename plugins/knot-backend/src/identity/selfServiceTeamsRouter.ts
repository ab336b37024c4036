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
import type { AuditRecord } from '../audit/AuditLog';
import {
  clientText,
  notAudited,
  recordIn,
  type AuditRecorder,
} from '../audit/AuditRecorder';
import { sourceAddress } from '../audit/sourceAddress';
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
  audit?: AuditRecorder;
}): express.Router {
  const { httpAuth, userInfo, teams } = options;
  const audit = options.audit ?? notAudited;
  const router = Router();
  router.use(express.json());

  /** A change to a team by the signed-in user, in the store's transaction. */
  const recorded = (
    req: express.Request,
    actor: string,
    team: string,
    entry: Omit<
      AuditRecord,
      'actor' | 'actingProfile' | 'sourceIp' | 'targetProfile'
    >,
  ) =>
    recordIn(audit, {
      ...entry,
      actor,
      actingProfile: actor,
      targetProfile: team,
      sourceIp: sourceAddress(req),
    });

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
    const name = req.body?.name;
    res.status(201).json(
      await teams.create(
        actor,
        name,
        recorded(req, actor, clientText(name), {
          action: 'team.create',
          target: `team ${clientText(name)}`,
          details: { owner: actor },
        }),
      ),
    );
  });

  router.post('/me/teams/:team/invitations', async (req, res) => {
    const actor = await signedIn(req);
    const { username, role } = req.body ?? {};
    const { team } = req.params;
    res.status(201).json(
      await teams.invite(
        actor,
        team,
        username,
        role,
        recorded(req, actor, team, {
          action: 'team.invite',
          target: `team ${team} invitee ${clientText(username)}`,
          details: { invitee: clientText(username), role: clientText(role) },
        }),
      ),
    );
  });

  router.delete('/me/teams/:team/invitations/:username', async (req, res) => {
    const actor = await signedIn(req);
    const { team, username } = req.params;
    await teams.cancelInvitation(
      actor,
      team,
      username,
      recorded(req, actor, team, {
        action: 'team.cancelInvitation',
        target: `team ${team} invitee ${username}`,
      }),
    );
    res.status(204).end();
  });

  router.put('/me/teams/:team/members/:username/role', async (req, res) => {
    const actor = await signedIn(req);
    const { team, username } = req.params;
    const role = req.body?.role;
    await teams.setRole(
      actor,
      team,
      username,
      role,
      recorded(req, actor, team, {
        action: 'team.setRole',
        target: `team ${team} member ${username}`,
        details: { member: username, role: clientText(role) },
      }),
    );
    res.status(204).end();
  });

  router.delete('/me/teams/:team/members/:username', async (req, res) => {
    const actor = await signedIn(req);
    const { team, username } = req.params;
    await teams.remove(
      actor,
      team,
      username,
      recorded(req, actor, team, {
        action: 'team.removeMember',
        target: `team ${team} member ${username}`,
        details: { member: username },
      }),
    );
    res.status(204).end();
  });

  router.post('/me/teams/:team/leave', async (req, res) => {
    const actor = await signedIn(req);
    const { team } = req.params;
    await teams.leave(
      actor,
      team,
      recorded(req, actor, team, {
        action: 'team.removeMember',
        target: `team ${team} member ${actor}`,
        details: { member: actor, left: true },
      }),
    );
    res.status(204).end();
  });

  router.post('/me/teams/:team/transfer', async (req, res) => {
    const actor = await signedIn(req);
    const { team } = req.params;
    const to = req.body?.username;
    await teams.transfer(
      actor,
      team,
      to,
      recorded(req, actor, team, {
        action: 'team.setRole',
        target: `team ${team} owner ${clientText(to)}`,
        details: { transfer: true, from: actor, to: clientText(to) },
      }),
    );
    res.status(204).end();
  });

  router.get('/me/invitations', async (req, res) => {
    const body: KnotInvitationList = {
      items: await teams.invitationsFor(await signedIn(req)),
    };
    res.json(body);
  });

  router.post('/me/invitations/:team/accept', async (req, res) => {
    const actor = await signedIn(req);
    const { team } = req.params;
    await teams.accept(
      actor,
      team,
      recorded(req, actor, team, {
        action: 'team.addMember',
        target: `team ${team} member ${actor}`,
        details: { member: actor, invitation: true },
      }),
    );
    res.status(204).end();
  });

  router.post('/me/invitations/:team/decline', async (req, res) => {
    const actor = await signedIn(req);
    const { team } = req.params;
    await teams.decline(
      actor,
      team,
      recorded(req, actor, team, {
        action: 'team.declineInvitation',
        target: `team ${team} invitee ${actor}`,
      }),
    );
    res.status(204).end();
  });

  return router;
}

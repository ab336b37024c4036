import { Content, InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useActionRunner } from '../../hooks/useActionRunner';
import { firstLoadView } from '../FirstLoad';
import { knotApiRef } from '../../api/KnotApi';
import { teamsApiRef } from '../../api/TeamsApi';
import { TeamCard } from './TeamCard';

/**
 * The signed-in user's teams: create one, answer invitations, and per team
 * its members, roles and who has access. The backend decides what each
 * role may do; the page only offers it.
 */
export function TeamsPage() {
  const api = useApi(teamsApiRef);
  const knot = useApi(knotApiRef);
  const [name, setName] = useState('');
  const state = useAsyncRetry(async () => {
    const [me, teams, invitations] = await Promise.all([
      knot.getMe(),
      api.listMyTeams(),
      api.listInvitations(),
    ]);
    return { me, teams, invitations };
  }, []);

  const { run, error } = useActionRunner(state.retry);

  const firstLoad = firstLoadView(state, 'Could not load your teams');
  if (firstLoad) return firstLoad;
  const { me, teams, invitations } = state.value!;
  return (
    <Content>
      {error && (
        <Typography color="error" role="alert" paragraph>
          {error}
        </Typography>
      )}
      <Grid container spacing={3}>
        {invitations.length > 0 && (
          <Grid item xs={12}>
            <InfoCard title="Invitations">
              {invitations.map(invitation => (
                <div
                  key={invitation.team}
                  aria-label={`Invitation to ${invitation.team}`}
                  role="group"
                >
                  <Typography component="span">
                    {invitation.invitedBy} invites you to{' '}
                    <strong>{invitation.team}</strong> as {invitation.role}
                  </Typography>{' '}
                  <Button
                    size="small"
                    color="primary"
                    onClick={() =>
                      run(() => api.acceptInvitation(invitation.team))
                    }
                  >
                    Accept
                  </Button>
                  <Button
                    size="small"
                    onClick={() =>
                      run(() => api.declineInvitation(invitation.team))
                    }
                  >
                    Decline
                  </Button>
                </div>
              ))}
            </InfoCard>
          </Grid>
        )}
        <Grid item xs={12}>
          <InfoCard title="Create a team">
            <form
              aria-label="Create a team"
              onSubmit={async event => {
                event.preventDefault();
                await run(() => api.createTeam(name));
                setName('');
              }}
            >
              <TextField
                id="knot-new-team-name"
                size="small"
                label="New team name"
                value={name}
                onChange={e => setName(e.target.value)}
              />
              <Button type="submit" variant="contained" color="primary">
                Create team
              </Button>
            </form>
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <InfoCard title="My teams">
            {teams.length === 0 && (
              <Typography>You are not in any team yet.</Typography>
            )}
            {teams.map(team => (
              <div key={team.name} style={{ marginBottom: 24 }}>
                <TeamCard team={team} me={me.username} run={run} />
              </div>
            ))}
          </InfoCard>
        </Grid>
      </Grid>
    </Content>
  );
}

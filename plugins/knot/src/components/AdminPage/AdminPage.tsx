import {
  Content,
  InfoCard,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { knotApiRef } from '../../api/KnotApi';
import { TeamsPanel } from './TeamsPanel';
import { UsersTable } from './UsersTable';
import { errorMessage } from '../../api/errorMessage';

/**
 * Knot administration: users and teams. Only users granted
 * knot.users.manage get this page (the plugin's `if`); the API checks too.
 */
export function AdminPage() {
  const api = useApi(knotApiRef);
  const [error, setError] = useState<string>();
  const state = useAsyncRetry(async () => {
    const [me, users, teams] = await Promise.all([
      api.getMe(),
      api.listUsers(),
      api.listTeams(),
    ]);
    return { me, users, teams };
  }, []);

  async function run(action: () => Promise<unknown>) {
    try {
      setError(undefined);
      await action();
    } catch (e) {
      setError(errorMessage(e));
    }
    state.retry();
  }

  if (state.loading && !state.value) {
    return <Progress />;
  }
  if (state.error || !state.value) {
    return (
      <Content>
        <WarningPanel
          title="Could not load users and teams"
          message={state.error && errorMessage(state.error)}
        />
      </Content>
    );
  }
  return (
    <Content>
      {error && (
        <Typography color="error" role="alert" paragraph>
          {error}
        </Typography>
      )}
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <InfoCard title="Users">
            <UsersTable
              users={state.value.users}
              me={state.value.me.username}
              run={run}
            />
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <InfoCard title="Teams">
            <TeamsPanel teams={state.value.teams} run={run} />
          </InfoCard>
        </Grid>
      </Grid>
    </Content>
  );
}

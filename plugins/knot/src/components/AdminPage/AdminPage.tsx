import { Content, InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useActionRunner } from '../../hooks/useActionRunner';
import { firstLoadView } from '../FirstLoad';
import { knotApiRef } from '../../api/KnotApi';
import { AuditPanel } from '../AuditLog';
import { QuotasPanel } from './QuotasPanel';
import { TeamsPanel } from './TeamsPanel';
import { UsersTable } from './UsersTable';

/**
 * Knot administration: users, teams and their quotas. Only users granted
 * knot.users.manage get this page (the plugin's `if`); the API checks too.
 */
export function AdminPage() {
  const api = useApi(knotApiRef);
  const state = useAsyncRetry(async () => {
    const [me, users, teams] = await Promise.all([
      api.getMe(),
      api.listUsers(),
      api.listTeams(),
    ]);
    return { me, users, teams };
  }, []);

  const { run, error } = useActionRunner(state.retry);

  const firstLoad = firstLoadView(state, 'Could not load users and teams');
  if (firstLoad) return firstLoad;
  const value = state.value!;
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
            <UsersTable users={value.users} me={value.me.username} run={run} />
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <InfoCard title="Teams">
            <TeamsPanel teams={value.teams} run={run} />
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <InfoCard title="Quotas">
            <QuotasPanel />
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <InfoCard title="Audit log">
            <AuditPanel />
          </InfoCard>
        </Grid>
      </Grid>
    </Content>
  );
}

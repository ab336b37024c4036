import { InfoCard, Progress } from '@backstage/core-components';
import { useApiHolder } from '@backstage/frontend-plugin-api';
import Typography from '@material-ui/core/Typography';
import { quotasApiRef, type QuotasApi } from '../../api/QuotasApi';
import { errorMessage } from '../../api/errorMessage';
import { usePolled } from '../../hooks/usePolled';
import { QuotaBar } from './QuotaBar';

/**
 * How often the bars are read again. The backend measures the private
 * folder at most every 15 s, so what is shown is at most 30 s old.
 */
export const QUOTA_REFRESH_MS = 15_000;

/**
 * The acting profile's quota: a "used / limit" bar per limited resource
 * (a team's when acting as the team). On the home and Services pages.
 */
export function QuotaUsage() {
  // An app (or a page's test) without Knot's quotas API shows no card.
  const api = useApiHolder().get(quotasApiRef);
  return api ? <QuotaCard api={api} /> : null;
}

function QuotaCard(props: { api: QuotasApi }) {
  const { api } = props;
  const state = usePolled(() => api.getQuota(), [api], QUOTA_REFRESH_MS);
  const quota = state.value;
  const title = quota?.isTeam ? `Quota of team ${quota.profile}` : 'Your quota';
  return (
    <InfoCard title={title}>
      {state.error && (
        <Typography color="error" role="alert" variant="body2" paragraph>
          Could not read the quota: {errorMessage(state.error)}
        </Typography>
      )}
      {!quota && !state.error && <Progress />}
      {quota && quota.resources.length === 0 && (
        <Typography variant="body2">No quota limits this profile.</Typography>
      )}
      {quota?.resources.map(usage => (
        <QuotaBar key={usage.resource} usage={usage} />
      ))}
    </InfoCard>
  );
}

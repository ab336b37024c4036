import {
  Content,
  InfoCard,
  Progress,
  StructuredMetadataTable,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { knotApiRef } from '../../api/KnotApi';
import { errorMessage } from '../../api/errorMessage';
import { useIntegrations } from '../integrations/useIntegrations';
import { IntegrationTiles } from './IntegrationTiles';
import { ProfileServices } from './ProfileServices';
import { QuickLinks } from './QuickLinks';
import { QuotaUsage } from '../QuotaUsage';

/**
 * The Knot landing page: the integrations, the acting profile's services,
 * quick links and whether the backend is healthy. The app frame renders
 * the page heading from the plugin's title.
 */
export function KnotPage() {
  return (
    <Content>
      <Typography variant="h5" component="h2" gutterBottom>
        Your data-science services, files and teams on Kubernetes
      </Typography>
      <Typography paragraph>
        Launch notebooks and other services from templates into your own
        namespace, manage your private and shared files, and work in teams — all
        behind one sign-in.
      </Typography>
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <Integrations />
        </Grid>
        <Grid item xs={12} md={8}>
          <ProfileServices />
        </Grid>
        <Grid item xs={12} md={4}>
          <QuickLinks />
        </Grid>
        <Grid item xs={12} md={4}>
          <QuotaUsage />
        </Grid>
        <Grid item xs={12} md={8}>
          <PlatformStatus />
        </Grid>
      </Grid>
    </Content>
  );
}

function Integrations() {
  const { value, error } = useIntegrations();
  if (error) {
    return (
      <WarningPanel
        title="Could not list the integrations"
        message={errorMessage(error)}
      />
    );
  }
  return <IntegrationTiles integrations={value ?? []} />;
}

function PlatformStatus() {
  const knotApi = useApi(knotApiRef);
  const { value, loading, error } = useAsync(() => knotApi.getHealth(), []);

  if (loading) {
    return <Progress />;
  }
  if (error || !value) {
    return (
      <WarningPanel
        title="The Knot backend did not answer"
        message={error ? errorMessage(error) : 'No answer'}
      />
    );
  }
  const k8s = value.kubernetes;
  return (
    <InfoCard title="Platform status">
      <StructuredMetadataTable
        metadata={{
          'Knot version': value.version,
          Kubernetes: k8s.reachable
            ? `reachable (${k8s.version})`
            : `unreachable: ${k8s.error}`,
          'API server': k8s.server ?? 'not configured',
        }}
      />
    </InfoCard>
  );
}

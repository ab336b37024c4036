import {
  Content,
  InfoCard,
  Progress,
  StructuredMetadataTable,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { knotApiRef } from '../../api/KnotApi';
import { errorMessage } from '../../api/errorMessage';

/**
 * The Knot landing page: what Knot is and whether its backend is healthy.
 * The app frame renders the page heading from the plugin's title.
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
      <PlatformStatus />
    </Content>
  );
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

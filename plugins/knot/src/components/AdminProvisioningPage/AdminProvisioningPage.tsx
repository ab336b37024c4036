import { useState } from 'react';
import {
  Content,
  InfoCard,
  Progress,
  Table,
  type TableColumn,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  ProfileProvisioningStatus,
  ReconcileReport,
} from '@knot-platform/plugin-knot-common';
import Button from '@material-ui/core/Button';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { provisioningApiRef } from '../../api/ProvisioningApi';
import { LeftoverFolders } from './LeftoverFolders';
import { errorMessage } from '../../api/errorMessage';

function quotaText(p: ProfileProvisioningStatus): string {
  if (!p.quota) return 'none';
  return Object.entries(p.quota.hard)
    .map(([k, hard]) => `${k}: ${p.quota!.used[k] ?? '0'}/${hard}`)
    .join(', ');
}

/**
 * Admin view of per-profile provisioning: each user's and team's namespace,
 * the binding of its private and shared volumes, its quota, and a
 * "Reconcile now" action that shows what the reconcile changed.
 */
export function AdminProvisioningPage() {
  const api = useApi(provisioningApiRef);
  const profiles = useAsyncRetry(() => api.listProfiles(), [api]);
  const [running, setRunning] = useState(false);
  const [report, setReport] = useState<ReconcileReport>();
  const [error, setError] = useState<Error>();

  const reconcile = async (profile?: string) => {
    setRunning(true);
    setError(undefined);
    try {
      setReport(await api.reconcile(profile));
      profiles.retry();
    } catch (e) {
      setError(e as Error);
    } finally {
      setRunning(false);
    }
  };

  const columns: TableColumn<ProfileProvisioningStatus>[] = [
    { title: 'Profile', field: 'name' },
    {
      title: 'Kind',
      render: p =>
        `${p.isTeam ? 'team' : 'user'}${p.active ? '' : ' (deactivated)'}`,
    },
    { title: 'Namespace', render: p => `${p.namespace} (${p.namespacePhase})` },
    { title: 'Private volume', field: 'privateVolume' },
    { title: 'Shared volume', field: 'sharedVolume' },
    { title: 'Quota (used/hard)', render: p => quotaText(p) },
    {
      title: '',
      render: p => (
        <Button
          size="small"
          disabled={running}
          onClick={() => reconcile(p.name)}
          aria-label={`Reconcile ${p.name}`}
        >
          Reconcile
        </Button>
      ),
    },
  ];

  return (
    <Content>
      <Button
        variant="contained"
        color="primary"
        disabled={running}
        onClick={() => reconcile()}
      >
        Reconcile now
      </Button>
      {running && <Progress />}
      {error && (
        <WarningPanel title="Reconcile failed" message={errorMessage(error)} />
      )}
      {report && <ReportCard report={report} />}
      {profiles.error ? (
        <WarningPanel
          title="Could not load the profiles"
          message={errorMessage(profiles.error)}
        />
      ) : (
        <Table
          title="Profiles"
          isLoading={profiles.loading}
          options={{ paging: false, search: false }}
          columns={columns}
          data={profiles.value ?? []}
        />
      )}
      <LeftoverFolders />
    </Content>
  );
}

function ReportCard({ report }: { report: ReconcileReport }) {
  return (
    <InfoCard
      title={`Reconciled ${report.profiles} profile(s) in ${report.durationMs} ms`}
    >
      {report.actions.length === 0 ? (
        <Typography>Everything was in place: nothing changed.</Typography>
      ) : (
        <List dense>
          {report.actions.map((a, i) => (
            <ListItem key={i}>
              <ListItemText
                primary={`${a.action} ${a.kind} ${a.name}`}
                secondary={a.detail}
              />
            </ListItem>
          ))}
        </List>
      )}
    </InfoCard>
  );
}

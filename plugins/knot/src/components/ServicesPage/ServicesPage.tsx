import { useState } from 'react';
import {
  Content,
  Link,
  Progress,
  StructuredMetadataTable,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type { KnotService } from '@knot-platform/plugin-knot-common';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import useAsync from 'react-use/esm/useAsync';
import { knotApiRef } from '../../api/KnotApi';
import { IdleStopControls } from './IdleStopControls';
import { ChangeValuesDialog } from './ChangeValuesDialog';
import { ServiceEventsDialog } from './ServiceEventsDialog';
import { ServiceLogsDialog } from './ServiceLogsDialog';
import { ShareServiceDialog } from './ShareServiceDialog';
import { errorMessage } from '../../api/errorMessage';
import { useConfirmedDelete } from '../../hooks/useConfirmedDelete';
import { ConfirmDeleteDialog } from '../ConfirmDeleteDialog';
import { firstLoadView, RefreshFailed } from '../FirstLoad';
import { usePolled } from '../../hooks/usePolled';
import { QuotaUsage } from '../QuotaUsage';

const useStyles = makeStyles({
  // Short columns never wrap ("Ready" broken into "Read/y").
  nowrap: { whiteSpace: 'nowrap' },
  // Release names are lowercase DNS names: show them as typed.
  name: { textTransform: 'none', fontWeight: 500 },
  reason: { display: 'block', marginTop: 4, maxWidth: 360 },
});

/** "3m", "2h", "5d" since an ISO time. */
export function age(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

const stateColor: Record<string, 'primary' | 'secondary' | 'default'> = {
  Running: 'primary',
  Failed: 'secondary',
};

/** The acting profile's services: status, age, address; detail and delete. */
export function ServicesPage() {
  const classes = useStyles();
  const knotApi = useApi(knotApiRef);
  const list = usePolled(() => knotApi.listServices(), [knotApi]);
  const [detail, setDetail] = useState<KnotService>();
  const [changing, setChanging] = useState<KnotService>();
  const [eventsOf, setEventsOf] = useState<KnotService>();
  const [logsOf, setLogsOf] = useState<KnotService>();
  const [sharing, setSharing] = useState<KnotService>();

  const {
    deleting,
    ask,
    cancel,
    confirm,
    error: deleteError,
  } = useConfirmedDelete(
    (item: KnotService) => knotApi.deleteService(item.name),
    list.retry,
  );

  const firstLoad = firstLoadView(list, 'Could not list your services');
  if (firstLoad) return firstLoad;
  const items = list.value?.items ?? [];
  return (
    <Content>
      <RefreshFailed state={list} what="your services" />
      <Typography paragraph>
        Services you deployed from <Link to="/create">templates</Link>. Each one
        is reachable only by you (or your team), and those you share it with, at
        its address.
      </Typography>
      <QuotaUsage />
      {items.length === 0 ? (
        <Typography>No services yet.</Typography>
      ) : (
        <Table aria-label="Services">
          <TableHead>
            <TableRow>
              <TableCell className={classes.nowrap}>Name</TableCell>
              <TableCell className={classes.nowrap}>Chart</TableCell>
              <TableCell className={classes.nowrap}>Status</TableCell>
              <TableCell className={classes.nowrap}>Ready</TableCell>
              <TableCell className={classes.nowrap}>Age</TableCell>
              <TableCell className={classes.nowrap}>Address</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {items.map(s => (
              <TableRow key={s.name}>
                <TableCell>
                  <Button
                    size="small"
                    color="primary"
                    className={classes.name}
                    onClick={() => setDetail(s)}
                  >
                    {s.name}
                  </Button>
                </TableCell>
                <TableCell>
                  {s.chart} {s.chartVersion}
                </TableCell>
                <TableCell>
                  <Chip
                    size="small"
                    label={s.state}
                    color={stateColor[s.state] ?? 'default'}
                  />
                  {s.reason && (
                    <Typography
                      variant="caption"
                      color="textSecondary"
                      className={classes.reason}
                    >
                      {s.reason}
                    </Typography>
                  )}
                  <IdleStopControls service={s} onChanged={list.retry} />
                </TableCell>
                <TableCell className={classes.nowrap}>{s.ready}</TableCell>
                <TableCell className={classes.nowrap}>
                  {age(s.updated)}
                </TableCell>
                <TableCell>
                  <Link to={s.url} target="_blank">
                    {s.url}
                  </Link>
                </TableCell>
                <TableCell className={classes.nowrap} align="right">
                  <Button
                    size="small"
                    aria-label={`Events of ${s.name}`}
                    onClick={() => setEventsOf(s)}
                  >
                    Events
                  </Button>
                  <Button
                    size="small"
                    aria-label={`Logs of ${s.name}`}
                    onClick={() => setLogsOf(s)}
                  >
                    Logs
                  </Button>
                  <Button
                    size="small"
                    aria-label={`Share ${s.name}`}
                    onClick={() => setSharing(s)}
                  >
                    Share
                  </Button>
                  <Button
                    size="small"
                    aria-label={`Change values of ${s.name}`}
                    onClick={() => setChanging(s)}
                  >
                    Change values
                  </Button>
                  <Button
                    size="small"
                    color="secondary"
                    aria-label={`Delete ${s.name}`}
                    onClick={() => ask(s)}
                  >
                    Delete
                  </Button>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {changing && (
        <ChangeValuesDialog
          service={changing}
          onClose={() => setChanging(undefined)}
          onChanged={() => {
            setChanging(undefined);
            list.retry();
          }}
        />
      )}
      {eventsOf && (
        <ServiceEventsDialog
          service={eventsOf}
          onClose={() => setEventsOf(undefined)}
        />
      )}
      {logsOf && (
        <ServiceLogsDialog
          service={logsOf}
          onClose={() => setLogsOf(undefined)}
        />
      )}
      {sharing && (
        <ShareServiceDialog
          service={sharing}
          onClose={() => setSharing(undefined)}
        />
      )}
      {detail && (
        <ServiceDetail service={detail} onClose={() => setDetail(undefined)} />
      )}
      <ConfirmDeleteDialog
        open={!!deleting}
        title={<>Delete {deleting?.name}?</>}
        error={deleteError}
        onCancel={cancel}
        onConfirm={confirm}
      >
        <DialogContentText>
          The service and its workloads are removed (helm uninstall). Files in
          your private and shared folders stay.
        </DialogContentText>
      </ConfirmDeleteDialog>
    </Content>
  );
}

function ServiceDetail(props: { service: KnotService; onClose: () => void }) {
  const { service, onClose } = props;
  const knotApi = useApi(knotApiRef);
  const values = useAsync(
    () => knotApi.getServiceValues(service.name),
    [service.name],
  );
  const [, kindAndNs, name] =
    service.entityRef.match(/^(\w+):(?:[^/]+\/)?(.+)$/) ?? [];
  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth>
      <DialogTitle>Service {service.name}</DialogTitle>
      <DialogContent>
        <StructuredMetadataTable
          metadata={{
            Chart: `${service.chart} ${service.chartVersion}`,
            'App version': service.appVersion,
            Status: `${service.state} (helm: ${service.helmStatus}, revision ${service.revision})`,
            ...(service.reason ? { Why: service.reason } : {}),
            Ready: service.ready,
            Namespace: service.namespace,
            Address: service.url,
            Deployed: new Date(service.updated).toLocaleString(),
          }}
        />
        <Typography variant="h6">Values</Typography>
        {values.loading && <Progress />}
        {values.error && (
          <WarningPanel
            title="No values"
            message={errorMessage(values.error)}
          />
        )}
        {values.value && (
          <pre aria-label="Values">
            {JSON.stringify(values.value.values, null, 2)}
          </pre>
        )}
        {kindAndNs && (
          <Link to={`/catalog/default/${kindAndNs}/${name}`}>
            Open in the catalog (workloads in the Kubernetes tab)
          </Link>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}

import { useState } from 'react';
import {
  Content,
  CopyTextButton,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type { KnotDataset } from '@knot-platform/plugin-knot-common';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import DialogContentText from '@material-ui/core/DialogContentText';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { datasetsApiRef } from '../../api/DatasetsApi';
import { useConfirmedDelete } from '../../hooks/useConfirmedDelete';
import { ConfirmDeleteDialog } from '../ConfirmDeleteDialog';
import { firstLoadView, RefreshFailed } from '../FirstLoad';
import { usePolled } from '../../hooks/usePolled';
import { CreateDatasetDialog } from './CreateDatasetDialog';

const statusColor: Record<string, 'primary' | 'secondary' | 'default'> = {
  ready: 'primary',
  error: 'secondary',
};

/** The acting profile's datasets: list, create (tested first), delete. */
export function DatasetsPage() {
  const api = useApi(datasetsApiRef);
  const list = usePolled(() => api.listDatasets(), [api]);
  const [creating, setCreating] = useState(false);

  const {
    deleting,
    ask,
    cancel,
    confirm,
    error: deleteError,
  } = useConfirmedDelete(
    (item: KnotDataset) => api.deleteDataset(item.name),
    list.retry,
  );

  const firstLoad = firstLoadView(list, 'Could not list your datasets');
  if (firstLoad) return firstLoad;
  const available = list.value?.available ?? false;
  const items = list.value?.items ?? [];
  return (
    <Content>
      <RefreshFailed state={list} what="your datasets" />
      <Typography paragraph>
        S3 buckets your services see as folders: every container of yours (or
        your team's) finds a dataset at <code>/mnt/datasets/&lt;name&gt;</code>.
      </Typography>
      {!available && (
        <WarningPanel
          title="Datasets are disabled"
          defaultExpanded
          message={list.value?.message}
        />
      )}
      <Button
        color="primary"
        variant="contained"
        disabled={!available}
        onClick={() => setCreating(true)}
      >
        New dataset
      </Button>
      {available && items.length === 0 && (
        <Typography>No datasets yet.</Typography>
      )}
      {items.length > 0 && (
        <Table aria-label="Datasets">
          <TableHead>
            <TableRow>
              <TableCell>Name</TableCell>
              <TableCell>Type</TableCell>
              <TableCell>Bucket</TableCell>
              <TableCell>Access</TableCell>
              <TableCell>Status</TableCell>
              <TableCell>Path in containers</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {items.map(d => (
              <TableRow key={d.name}>
                <TableCell>
                  {d.name}
                  {d.shared && (
                    <Chip size="small" label="shared" variant="outlined" />
                  )}
                </TableCell>
                <TableCell>{d.type.toUpperCase()}</TableCell>
                <TableCell>
                  {d.endpoint}/{d.bucket}
                  {d.prefix ? `/${d.prefix}` : ''}
                </TableCell>
                <TableCell>{d.readOnly ? 'read-only' : 'read-write'}</TableCell>
                <TableCell>
                  <Chip
                    size="small"
                    label={d.status}
                    color={statusColor[d.status] ?? 'default'}
                  />
                  {d.reason && (
                    <Typography variant="caption" display="block">
                      {d.reason}
                    </Typography>
                  )}
                </TableCell>
                <TableCell>
                  <code>{d.mountPath}</code>
                  <CopyTextButton
                    text={d.mountPath}
                    tooltipText="Path copied"
                    aria-label={`Copy the path of ${d.name}`}
                  />
                </TableCell>
                <TableCell align="right">
                  {!d.shared && (
                    <Button
                      size="small"
                      color="secondary"
                      aria-label={`Delete ${d.name}`}
                      onClick={() => ask(d)}
                    >
                      Delete
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {creating && (
        <CreateDatasetDialog
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            list.retry();
          }}
        />
      )}
      <ConfirmDeleteDialog
        open={!!deleting}
        title={<>Delete {deleting?.name}?</>}
        error={deleteError}
        onCancel={cancel}
        onConfirm={confirm}
      >
        <DialogContentText>
          The dataset and its keys are removed from Knot; the bucket and its
          objects stay. New containers no longer see{' '}
          <code>{deleting?.mountPath}</code>.
        </DialogContentText>
        {deleting && deleting.mountedBy.length > 0 && (
          <WarningPanel
            title="Services mount it now"
            defaultExpanded
            message={`${deleting.mountedBy.join(
              ', ',
            )} use this dataset; restart them after deleting it.`}
          />
        )}
      </ConfirmDeleteDialog>
    </Content>
  );
}

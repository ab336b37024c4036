import { Progress, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type { KnotService } from '@knot-platform/plugin-knot-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { knotApiRef } from '../../api/KnotApi';
import { errorMessage } from '../../api/errorMessage';

/** A service's Kubernetes events, newest first: what happened to it. */
export function ServiceEventsDialog(props: {
  service: KnotService;
  onClose: () => void;
}) {
  const { service, onClose } = props;
  const knotApi = useApi(knotApiRef);
  const events = useAsync(
    () => knotApi.getServiceEvents(service.name),
    [service.name],
  );
  const items = events.value?.items ?? [];
  return (
    <Dialog open onClose={onClose} maxWidth="lg" fullWidth>
      <DialogTitle>Events of {service.name}</DialogTitle>
      <DialogContent>
        {events.loading && <Progress />}
        {events.error && (
          <WarningPanel
            title="Could not list the events"
            message={errorMessage(events.error)}
          />
        )}
        {events.value && items.length === 0 && (
          <Typography>
            No events (Kubernetes keeps them for about an hour).
          </Typography>
        )}
        {items.length > 0 && (
          <Table size="small" aria-label={`Events of ${service.name}`}>
            <TableHead>
              <TableRow>
                <TableCell>When</TableCell>
                <TableCell>Type</TableCell>
                <TableCell>Reason</TableCell>
                <TableCell>Object</TableCell>
                <TableCell>Message</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {items.map((e, i) => (
                <TableRow key={i}>
                  <TableCell>
                    {e.lastSeen ? new Date(e.lastSeen).toLocaleString() : ''}
                  </TableCell>
                  <TableCell>{e.type}</TableCell>
                  <TableCell>
                    {e.reason}
                    {e.count > 1 ? ` (×${e.count})` : ''}
                  </TableCell>
                  <TableCell>{e.object}</TableCell>
                  <TableCell>{e.message}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}

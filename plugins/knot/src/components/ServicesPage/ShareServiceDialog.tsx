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
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { errorMessage } from '../../api/errorMessage';
import { sharingApiRef } from '../../api/SharingApi';

/** A `datetime-local` value (local time, no zone) as ISO 8601, or undefined. */
function expiryOf(local: string): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

/**
 * Who a service is shared with: share with a user or a team (every member),
 * until revoked or until a time; revoke. Those it is shared with open its
 * address with their own sign-in; revoking closes it on their next request.
 */
export function ShareServiceDialog(props: {
  service: KnotService;
  onClose: () => void;
}) {
  const { service, onClose } = props;
  const api = useApi(sharingApiRef);
  const shares = useAsyncRetry(
    () => api.listShares(service.name),
    [service.name],
  );
  const [grantee, setGrantee] = useState('');
  const [expires, setExpires] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      shares.retry();
      return true;
    } catch (e) {
      setError(errorMessage(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const share = async () => {
    if (
      await run(() =>
        api.share(service.name, grantee.trim(), expiryOf(expires)),
      )
    ) {
      setGrantee('');
      setExpires('');
    }
  };

  const items = shares.value ?? [];
  const now = Date.now();
  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth>
      <DialogTitle>Share {service.name}</DialogTitle>
      <DialogContent>
        <Typography paragraph>
          People you share {service.name} with open <code>{service.url}</code>{' '}
          with their own sign-in. Sharing with a team lets in each of its
          members.
        </Typography>
        <div style={{ display: 'flex', gap: 16, alignItems: 'flex-end' }}>
          <TextField
            label="User or team"
            value={grantee}
            onChange={e => setGrantee(e.target.value)}
            inputProps={{ 'aria-label': 'User or team' }}
          />
          <TextField
            label="Until (optional)"
            type="datetime-local"
            value={expires}
            onChange={e => setExpires(e.target.value)}
            InputLabelProps={{ shrink: true }}
            inputProps={{ 'aria-label': 'Until' }}
          />
          <Button
            color="primary"
            variant="contained"
            disabled={busy || !grantee.trim()}
            onClick={share}
          >
            Share
          </Button>
        </div>
        {error && <WarningPanel title="Not done" message={error} />}
        {shares.loading && !shares.value && <Progress />}
        {shares.error && (
          <WarningPanel
            title="Could not list the shares"
            message={errorMessage(shares.error)}
          />
        )}
        {shares.value && items.length === 0 && (
          <Typography style={{ marginTop: 16 }}>
            Not shared with anyone.
          </Typography>
        )}
        {items.length > 0 && (
          <Table size="small" aria-label={`Shares of ${service.name}`}>
            <TableHead>
              <TableRow>
                <TableCell>With</TableCell>
                <TableCell>Shared by</TableCell>
                <TableCell>Until</TableCell>
                <TableCell />
              </TableRow>
            </TableHead>
            <TableBody>
              {items.map(s => (
                <TableRow key={s.grantee}>
                  <TableCell>
                    {s.grantee}
                    {s.granteeKind === 'team' ? ' (team)' : ''}
                  </TableCell>
                  <TableCell>{s.createdBy}</TableCell>
                  <TableCell>
                    {!s.expiresAt && 'until revoked'}
                    {s.expiresAt &&
                      (Date.parse(s.expiresAt) <= now
                        ? `expired ${new Date(s.expiresAt).toLocaleString()}`
                        : new Date(s.expiresAt).toLocaleString())}
                  </TableCell>
                  <TableCell align="right">
                    <Button
                      size="small"
                      color="secondary"
                      disabled={busy}
                      aria-label={`Revoke ${s.grantee}`}
                      onClick={() =>
                        run(() => api.revoke(service.name, s.grantee))
                      }
                    >
                      Revoke
                    </Button>
                  </TableCell>
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

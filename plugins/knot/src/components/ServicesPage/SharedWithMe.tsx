import { Content, Link, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { errorMessage } from '../../api/errorMessage';
import { sharingApiRef } from '../../api/SharingApi';

/** Services other profiles shared with the signed-in user, with links. */
export function SharedWithMe() {
  const api = useApi(sharingApiRef);
  const shared = useAsync(() => api.listSharedWithMe(), [api]);
  if (shared.error) {
    return (
      <Content>
        <WarningPanel
          title="Could not list the services shared with you"
          message={errorMessage(shared.error)}
        />
      </Content>
    );
  }
  const items = shared.value ?? [];
  if (items.length === 0) return null;
  return (
    <Content>
      <Typography variant="h6">Shared with me</Typography>
      <Table size="small" aria-label="Shared with me">
        <TableHead>
          <TableRow>
            <TableCell>Service</TableCell>
            <TableCell>Of</TableCell>
            <TableCell>Shared with</TableCell>
            <TableCell>By</TableCell>
            <TableCell>Until</TableCell>
            <TableCell>Address</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {items.map(s => (
            <TableRow key={`${s.owner}/${s.service}`}>
              <TableCell>{s.service}</TableCell>
              <TableCell>{s.owner}</TableCell>
              <TableCell>{s.via}</TableCell>
              <TableCell>{s.sharedBy}</TableCell>
              <TableCell>
                {s.expiresAt
                  ? new Date(s.expiresAt).toLocaleString()
                  : 'until revoked'}
              </TableCell>
              <TableCell>
                <Link to={s.url} target="_blank">
                  {s.url}
                </Link>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Content>
  );
}

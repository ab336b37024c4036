import {
  AUDIT_ACTIONS,
  type KnotAuditEntry,
} from '@knot-platform/plugin-knot-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';

/** The details of an entry in a line: `key: value, ...`. */
function detailsText(details: KnotAuditEntry['details']): string {
  if (!details) return '';
  return Object.entries(details)
    .filter(([, value]) => value !== undefined)
    .map(
      ([key, value]) =>
        `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`,
    )
    .join(', ');
}

/** Audit entries, newest first: when, who as whom, what, on what, result. */
export function AuditTable(props: {
  entries: KnotAuditEntry[];
  label: string;
}) {
  const { entries, label } = props;
  if (entries.length === 0) {
    return <Typography color="textSecondary">No entries.</Typography>;
  }
  return (
    <Table size="small" aria-label={label}>
      <TableHead>
        <TableRow>
          <TableCell>Time</TableCell>
          <TableCell>User</TableCell>
          <TableCell>As profile</TableCell>
          <TableCell>Action</TableCell>
          <TableCell>Target</TableCell>
          <TableCell>Result</TableCell>
          <TableCell>Source</TableCell>
          <TableCell>Details</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {entries.map(entry => (
          <TableRow key={entry.id}>
            <TableCell>{new Date(entry.at).toLocaleString()}</TableCell>
            <TableCell>{entry.actor}</TableCell>
            <TableCell>{entry.actingProfile ?? ''}</TableCell>
            <TableCell>
              <Tooltip title={AUDIT_ACTIONS[entry.action] ?? ''}>
                <span>{entry.action}</span>
              </Tooltip>
            </TableCell>
            <TableCell>{entry.target ?? ''}</TableCell>
            <TableCell>
              {entry.result === 'failure' ? (
                <Typography color="error" variant="body2" component="span">
                  failed
                </Typography>
              ) : (
                'ok'
              )}
            </TableCell>
            <TableCell>{entry.sourceIp ?? ''}</TableCell>
            <TableCell>{detailsText(entry.details)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

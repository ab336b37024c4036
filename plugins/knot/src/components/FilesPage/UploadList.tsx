import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import type { Upload } from './useUploads';
import { formatBytes } from './format';

/** The uploads of this visit, each with a progress bar and a cancel. */
export function UploadList(props: {
  uploads: Upload[];
  onCancel: (id: number) => void;
  onClear: () => void;
}) {
  const { uploads, onCancel, onClear } = props;
  if (uploads.length === 0) return null;
  return (
    <Box mb={2} aria-label="Uploads" role="region">
      {uploads.map(u => {
        const percent =
          u.total > 0 ? Math.round((100 * u.sent) / u.total) : 100;
        const active = u.state === 'waiting' || u.state === 'uploading';
        return (
          <Box key={u.id} display="flex" alignItems="center" mb={1}>
            <Box width="30%" pr={2}>
              <Typography variant="body2" noWrap title={u.name}>
                {u.name}
              </Typography>
            </Box>
            <Box flexGrow={1} pr={2}>
              <LinearProgress
                variant="determinate"
                value={percent}
                color={u.state === 'failed' ? 'secondary' : 'primary'}
                aria-label={`Upload of ${u.name}`}
              />
            </Box>
            <Box width="30%">
              <Typography
                variant="body2"
                color={u.state === 'failed' ? 'error' : 'textSecondary'}
              >
                {u.state === 'waiting' && 'Waiting'}
                {u.state === 'uploading' &&
                  `${percent}% of ${formatBytes(u.total)}`}
                {u.state === 'done' && `Uploaded (${formatBytes(u.total)})`}
                {u.state === 'cancelled' && 'Cancelled'}
                {u.state === 'failed' && `Failed: ${u.error}`}
              </Typography>
            </Box>
            {active && (
              <Button size="small" onClick={() => onCancel(u.id)}>
                Cancel
              </Button>
            )}
          </Box>
        );
      })}
      <Button size="small" onClick={onClear}>
        Clear finished
      </Button>
    </Box>
  );
}

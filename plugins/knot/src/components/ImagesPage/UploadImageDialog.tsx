import { useRef, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  imageRepositoryProblem,
  imageTagProblem,
  type KnotImageUploadResult,
} from '@knot-platform/plugin-knot-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import LinearProgress from '@material-ui/core/LinearProgress';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { errorMessage } from '../../api/errorMessage';
import { imagesApiRef } from '../../api/ImagesApi';
import type { KnotTransfer } from '../../api/KnotFetch';
import { formatBytes } from '../FilesPage/format';
import { progressByPercent } from '../progressByPercent';

/** A name for the repository from the file's (`my-env.tar.gz` → `my-env`). */
function nameFromFile(file: string): string {
  return file
    .replace(/\.(tar\.gz|tgz|tar)$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
}

/**
 * Uploads an exported image (`docker save`, OCI layout; .tar or .tar.gz),
 * chosen or dropped, into the profile's area (or the shared one when
 * allowed) under a name and tag, with a progress bar and a cancel.
 */
export function UploadImageDialog(props: {
  areas: { profile: string; shared?: string };
  registry: string;
  /** Where the browser pushes large layers itself, when the portal allows. */
  browserPushUrl?: string;
  onClose: () => void;
  onUploaded: (result: KnotImageUploadResult) => void;
}) {
  const { areas, registry, browserPushUrl, onClose, onUploaded } = props;
  const api = useApi(imagesApiRef);
  const [area, setArea] = useState(areas.profile);
  const [name, setName] = useState('');
  const [tag, setTag] = useState('latest');
  const [file, setFile] = useState<File>();
  const [progress, setProgress] = useState<{ sent: number; total: number }>();
  const [error, setError] = useState<string>();
  const transfer = useRef<KnotTransfer<KnotImageUploadResult>>();

  const repository = `${area}/${name}`;
  const nameProblem = name ? imageRepositoryProblem(repository) : undefined;
  const tagProblem = imageTagProblem(tag);
  const uploading = progress !== undefined;

  const pick = (picked?: File) => {
    if (!picked) return;
    setFile(picked);
    if (!name) setName(nameFromFile(picked.name));
  };

  const start = async () => {
    if (!file) return;
    setError(undefined);
    setProgress({ sent: 0, total: file.size });
    transfer.current = api.uploadImage(
      repository,
      tag,
      file,
      progressByPercent((sent, total) => setProgress({ sent, total })),
      { browserPushUrl },
    );
    try {
      onUploaded(await transfer.current.done);
    } catch (e) {
      setError(errorMessage(e));
      setProgress(undefined);
    } finally {
      transfer.current = undefined;
    }
  };

  const sentAll = progress && progress.sent >= progress.total;
  const percent = progress?.total
    ? Math.round((100 * progress.sent) / progress.total)
    : 0;
  return (
    <Dialog open onClose={uploading ? undefined : onClose} fullWidth>
      <DialogTitle>Upload an image</DialogTitle>
      <DialogContent
        onDragOver={e => e.preventDefault()}
        onDrop={e => {
          e.preventDefault();
          pick(e.dataTransfer.files[0]);
        }}
      >
        <DialogContentText>
          A file made by <code>docker save</code> or an OCI image layout archive
          (.tar or .tar.gz). Choose it or drop it here.
        </DialogContentText>
        <Button variant="outlined" component="label" disabled={uploading}>
          Choose a file
          <input
            type="file"
            hidden
            accept=".tar,.gz,.tgz"
            data-testid="image-file-input"
            onChange={e => pick(e.target.files?.[0] ?? undefined)}
          />
        </Button>
        {file && (
          <Typography component="span" style={{ marginLeft: 16 }}>
            {file.name} ({formatBytes(file.size)})
          </Typography>
        )}
        <Box display="flex" mt={2}>
          <TextField
            select
            label="Area"
            value={area}
            disabled={uploading || !areas.shared}
            onChange={e => setArea(e.target.value)}
            style={{ minWidth: 160, marginRight: 16 }}
          >
            <MenuItem value={areas.profile}>{areas.profile}/ (yours)</MenuItem>
            {areas.shared && (
              <MenuItem value={areas.shared}>{areas.shared}/ (shared)</MenuItem>
            )}
          </TextField>
          <TextField
            label="Name"
            value={name}
            disabled={uploading}
            onChange={e => setName(e.target.value)}
            error={!!nameProblem}
            helperText={nameProblem ?? 'Lowercase letters, digits, . _ - and /'}
            style={{ flexGrow: 1, marginRight: 16 }}
            inputProps={{ 'aria-label': 'Image name' }}
          />
          <TextField
            label="Tag"
            value={tag}
            disabled={uploading}
            onChange={e => setTag(e.target.value)}
            error={!!tagProblem}
            helperText={tagProblem}
            inputProps={{ 'aria-label': 'Tag' }}
          />
        </Box>
        {name && !nameProblem && !tagProblem && (
          <Typography variant="body2" color="textSecondary">
            Will be pulled as <code>{`${registry}/${repository}:${tag}`}</code>
          </Typography>
        )}
        {progress && (
          <Box mt={2}>
            <LinearProgress
              variant={sentAll ? 'indeterminate' : 'determinate'}
              value={percent}
              aria-label="Upload progress"
            />
            <Typography variant="body2" color="textSecondary">
              {sentAll
                ? 'Checking and pushing to the registry…'
                : `${percent}% of ${formatBytes(progress.total)}`}
            </Typography>
          </Box>
        )}
        {error && (
          <Typography color="error" role="alert">
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        {uploading ? (
          <Button onClick={() => transfer.current?.cancel()}>
            Cancel upload
          </Button>
        ) : (
          <Button onClick={onClose}>Close</Button>
        )}
        <Button
          color="primary"
          variant="contained"
          disabled={
            !file || !name || !!nameProblem || !!tagProblem || uploading
          }
          onClick={start}
        >
          Upload
        </Button>
      </DialogActions>
    </Dialog>
  );
}

import { useState } from 'react';
import { InfoCard, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { provisioningApiRef } from '../../api/ProvisioningApi';
import { errorMessage } from '../../api/errorMessage';

/**
 * Private folders kept after their user or team was removed; deleting one
 * asks the admin to type the name, as the data cannot be recovered.
 */
export function LeftoverFolders() {
  const api = useApi(provisioningApiRef);
  const folders = useAsyncRetry(() => api.listLeftoverFolders(), [api]);
  const [confirming, setConfirming] = useState<string>();
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<Error>();

  const close = () => {
    setConfirming(undefined);
    setTyped('');
  };
  const remove = async () => {
    const name = confirming!;
    close();
    try {
      await api.deleteLeftoverFolder(name);
      setError(undefined);
    } catch (e) {
      setError(e as Error);
    }
    folders.retry();
  };

  if (folders.error) return null; // the profiles table already says why
  return (
    <InfoCard title="Folders of removed profiles">
      {error && (
        <WarningPanel
          title="Could not delete the folder"
          message={errorMessage(error)}
        />
      )}
      {(folders.value ?? []).length === 0 ? (
        <Typography>
          None: every private folder belongs to a profile.
        </Typography>
      ) : (
        <List dense>
          {folders.value!.map(name => (
            <ListItem key={name}>
              <ListItemText primary={name} />
              <Button
                color="secondary"
                onClick={() => setConfirming(name)}
                aria-label={`Delete folder of ${name}`}
              >
                Delete…
              </Button>
            </ListItem>
          ))}
        </List>
      )}
      <Dialog open={confirming !== undefined} onClose={close}>
        <DialogTitle>Delete the private folder of {confirming}?</DialogTitle>
        <DialogContent>
          <DialogContentText>
            Every file in it is deleted for good. Type the name to confirm.
          </DialogContentText>
          <TextField
            id="knot-confirm-folder-name"
            fullWidth
            label="Name"
            value={typed}
            onChange={e => setTyped(e.target.value)}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={close}>Cancel</Button>
          <Button
            color="secondary"
            disabled={typed !== confirming}
            onClick={remove}
          >
            Delete folder
          </Button>
        </DialogActions>
      </Dialog>
    </InfoCard>
  );
}

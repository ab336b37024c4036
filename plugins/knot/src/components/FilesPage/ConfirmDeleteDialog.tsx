import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import type { FileEntry } from '@knot-platform/plugin-knot-common';

/** Asks before deleting; says when a whole folder goes. */
export function ConfirmDeleteDialog(props: {
  entry?: FileEntry;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { entry, onCancel, onConfirm } = props;
  return (
    <Dialog open={!!entry} onClose={onCancel}>
      <DialogTitle>Delete {entry?.name}?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          {entry?.type === 'directory'
            ? 'The folder and everything in it will be deleted. This cannot be undone.'
            : 'The file will be deleted. This cannot be undone.'}
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Cancel</Button>
        <Button onClick={onConfirm} color="secondary" variant="contained">
          Delete
        </Button>
      </DialogActions>
    </Dialog>
  );
}

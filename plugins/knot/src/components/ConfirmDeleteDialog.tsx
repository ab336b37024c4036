import type { ReactNode } from 'react';
import { WarningPanel } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';

/**
 * The confirmation before a delete (with `useConfirmedDelete`): what goes,
 * what stays, and why the delete failed, if it did (the dialog stays open).
 */
export function ConfirmDeleteDialog(props: {
  open: boolean;
  title: ReactNode;
  error?: string;
  onCancel: () => void;
  onConfirm: () => void;
  children: ReactNode;
}) {
  const { open, title, error, onCancel, onConfirm, children } = props;
  return (
    <Dialog open={open} onClose={onCancel}>
      <DialogTitle>{title}</DialogTitle>
      <DialogContent>
        {children}
        {error && <WarningPanel title="Delete failed" message={error} />}
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Cancel</Button>
        <Button color="secondary" onClick={onConfirm}>
          Confirm delete
        </Button>
      </DialogActions>
    </Dialog>
  );
}

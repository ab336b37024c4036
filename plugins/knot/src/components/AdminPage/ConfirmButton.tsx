import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import { useState, type ReactNode } from 'react';

/** A button that asks for confirmation before a destructive action. */
export function ConfirmButton(props: {
  label: string;
  title: string;
  children: ReactNode;
  onConfirm: () => Promise<void>;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="small" color="secondary" onClick={() => setOpen(true)}>
        {props.label}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)}>
        <DialogTitle>{props.title}</DialogTitle>
        <DialogContent>{props.children}</DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>Cancel</Button>
          <Button
            color="secondary"
            variant="contained"
            onClick={async () => {
              setOpen(false);
              await props.onConfirm();
            }}
          >
            {props.label}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}

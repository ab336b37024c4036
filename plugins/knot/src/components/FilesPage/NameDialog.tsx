import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import { useEffect, useState } from 'react';

/** Asks for a file or folder name (new folder, rename). */
export function NameDialog(props: {
  open: boolean;
  title: string;
  action: string;
  initial?: string;
  onCancel: () => void;
  onSubmit: (name: string) => void;
}) {
  const { open, title, action, initial = '', onCancel, onSubmit } = props;
  const [name, setName] = useState(initial);
  useEffect(() => setName(initial), [initial, open]);
  const problem = nameProblem(name);
  return (
    <Dialog open={open} onClose={onCancel} fullWidth maxWidth="xs">
      <form
        onSubmit={e => {
          e.preventDefault();
          if (!problem) onSubmit(name.trim());
        }}
      >
        <DialogTitle>{title}</DialogTitle>
        <DialogContent>
          <TextField
            id="knot-files-name"
            fullWidth
            label="Name"
            value={name}
            onChange={e => setName(e.target.value)}
            error={name !== '' && !!problem}
            helperText={name !== '' ? problem : ' '}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={onCancel}>Cancel</Button>
          <Button type="submit" color="primary" disabled={!!problem}>
            {action}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

function nameProblem(raw: string): string | undefined {
  const name = raw.trim();
  if (!name) return 'Enter a name';
  if (name.includes('/') || name.includes('\\'))
    return 'A name cannot contain / or \\';
  if (name === '.' || name === '..') return 'This name is not allowed';
  return undefined;
}

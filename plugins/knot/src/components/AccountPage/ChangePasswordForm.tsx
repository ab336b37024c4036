import { useApi } from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState, type FormEvent } from 'react';
import { knotApiRef } from '../../api/KnotApi';
import { errorMessage } from '../../api/errorMessage';

/** Changes the signed-in user's Knot password. */
export function ChangePasswordForm() {
  const api = useApi(knotApiRef);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    try {
      await api.changePassword(current, next);
      setMessage({ ok: true, text: 'Password changed.' });
      setCurrent('');
      setNext('');
    } catch (error) {
      setMessage({ ok: false, text: errorMessage(error) });
    }
  }

  return (
    <form onSubmit={submit} aria-label="Change password">
      <TextField
        id="knot-current-password"
        label="Current password"
        type="password"
        autoComplete="current-password"
        value={current}
        onChange={e => setCurrent(e.target.value)}
        required
        fullWidth
        margin="normal"
      />
      <TextField
        id="knot-new-password"
        label="New password"
        type="password"
        autoComplete="new-password"
        helperText="At least 8 characters"
        value={next}
        onChange={e => setNext(e.target.value)}
        required
        fullWidth
        margin="normal"
      />
      <Button type="submit" variant="contained" color="primary">
        Change password
      </Button>
      {message && (
        <Typography
          role={message.ok ? 'status' : 'alert'}
          color={message.ok ? 'textPrimary' : 'error'}
          style={{ marginTop: 16 }}
        >
          {message.text}
        </Typography>
      )}
    </form>
  );
}

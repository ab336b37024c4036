import { useApi } from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { useEffect, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { knotApiRef } from '../../api/KnotApi';

/** How often the banner looks at the selection (a storage read, no call). */
const SELECTION_POLL_MS = 1000;

/**
 * While an admin acts as another user (or a team they are not in), a banner
 * on every page says so and stops it: Knot calls then act as the admin
 * again. The backend confirms whom calls act as; a refused selection shows
 * nothing (the profile switcher falls back to the user).
 */
export function ImpersonationBanner() {
  const api = useApi(knotApiRef);
  const [selected, setSelected] = useState(api.getSelectedProfile());
  useEffect(() => {
    const timer = setInterval(
      () => setSelected(api.getSelectedProfile()),
      SELECTION_POLL_MS,
    );
    return () => clearInterval(timer);
  }, [api]);
  const acting = useAsync(async () => {
    if (!selected) return undefined;
    const [profile, me] = await Promise.all([
      api.getActingProfile(),
      api.getMe(),
    ]);
    const ownProfile =
      profile.name === me.username || me.teams.includes(profile.name);
    return ownProfile ? undefined : profile;
  }, [selected]);

  if (!acting.value) return null;
  return (
    <Paper
      role="status"
      aria-label="Impersonation"
      square
      elevation={4}
      style={{
        position: 'fixed',
        top: 0,
        left: '50%',
        transform: 'translateX(-50%)',
        zIndex: 2000,
        padding: '4px 16px',
        background: '#ffb74d',
        display: 'flex',
        alignItems: 'center',
        gap: 12,
      }}
    >
      <Typography component="span">
        Acting as <strong>{acting.value.name}</strong> (you are{' '}
        {acting.value.actor})
      </Typography>
      <Button
        size="small"
        variant="contained"
        onClick={() => {
          api.selectProfile(undefined);
          // Every page reloads its data as the admin again.
          window.location.reload();
        }}
      >
        Stop
      </Button>
    </Paper>
  );
}

import { Progress, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { knotApiRef } from '../../api/KnotApi';
import { errorMessage } from '../../api/errorMessage';

/**
 * Chooses the profile Knot calls act as: the user or one of their teams
 * (admins impersonate users from the Admin page). The backend confirms the
 * choice; a refused one falls back to the user.
 */
export function ProfileSwitcher() {
  const api = useApi(knotApiRef);
  const [selected, setSelected] = useState(api.getSelectedProfile());
  const me = useAsync(() => api.getMe(), []);
  const acting = useAsync(async () => {
    try {
      return await api.getActingProfile();
    } catch (error) {
      // A stale selection (left a team, impersonation over): back to self.
      api.selectProfile(undefined);
      setSelected(undefined);
      throw error;
    }
  }, [selected]);

  if (me.loading) {
    return <Progress />;
  }
  if (me.error || !me.value) {
    return (
      <WarningPanel
        title="Could not load your Knot account"
        message={me.error && errorMessage(me.error)}
      />
    );
  }
  const profiles = me.value.profiles;
  const current = selected ?? me.value.username;
  const options = profiles.includes(current)
    ? profiles
    : [...profiles, current];
  return (
    <>
      <Typography paragraph>
        Signed in as <strong>{me.value.username}</strong>
        {me.value.admin ? ' (admin)' : ''}
      </Typography>
      <FormControl variant="outlined" style={{ minWidth: 240 }}>
        <InputLabel id="knot-profile-label">Acting profile</InputLabel>
        <Select
          labelId="knot-profile-label"
          label="Acting profile"
          value={current}
          onChange={event => {
            const name = event.target.value as string;
            const value = name === me.value!.username ? undefined : name;
            api.selectProfile(value);
            setSelected(value);
          }}
        >
          {options.map(name => (
            <MenuItem key={name} value={name}>
              {name === me.value!.username ? `${name} (you)` : name}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      <Typography paragraph style={{ marginTop: 16 }} role="status">
        {acting.value
          ? `Acting as ${acting.value.name} (namespace ${acting.value.namespace})`
          : acting.error && errorMessage(acting.error)}
      </Typography>
    </>
  );
}

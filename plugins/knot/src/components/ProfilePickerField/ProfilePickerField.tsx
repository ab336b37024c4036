import { useEffect, useMemo } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import useAsync from 'react-use/esm/useAsync';
import { PROFILE_PICKER_FIELD } from '@knot-platform/plugin-knot-common';
import { knotApiRef } from '../../api/KnotApi';
import { errorMessage } from '../../api/errorMessage';

/** The `ui:field` name Knot's generated Templates give their `profile`. */
export { PROFILE_PICKER_FIELD };

/**
 * The profile a Create form deploys as: the signed-in user or one of their
 * teams (from `/me`), preset to the profile chosen on the Account page. The
 * backend checks the choice again (knot:helm:install), so this is only a
 * convenience, never the guard.
 */
export function ProfilePickerField(
  props: FieldExtensionComponentProps<string>,
) {
  const { formData, onChange, schema, required, rawErrors, idSchema } = props;
  const knotApi = useApi(knotApiRef);
  const me = useAsync(() => knotApi.getMe(), [knotApi]);
  const selected = knotApi.getSelectedProfile();
  const options = useMemo(
    () =>
      me.value
        ? [
            ...new Set([
              ...me.value.profiles,
              // An admin acting as another profile keeps that choice.
              ...(selected ? [selected] : []),
            ]),
          ]
        : [],
    [me.value, selected],
  );

  useEffect(() => {
    if (formData || !me.value) return;
    onChange(
      selected && options.includes(selected) ? selected : me.value.username,
    );
  }, [formData, me.value, selected, options, onChange]);

  return (
    <TextField
      id={idSchema?.$id}
      select
      fullWidth
      margin="normal"
      label={schema.title ?? 'Profile'}
      helperText={me.error ? errorMessage(me.error) : schema.description}
      required={required}
      error={!!rawErrors?.length || !!me.error}
      value={options.includes(formData ?? '') ? formData : ''}
      onChange={e => onChange(e.target.value)}
      inputProps={{ 'aria-label': schema.title ?? 'Profile' }}
    >
      {options.map(name => (
        <MenuItem key={name} value={name}>
          {name === me.value?.username ? `${name} (you)` : name}
        </MenuItem>
      ))}
    </TextField>
  );
}

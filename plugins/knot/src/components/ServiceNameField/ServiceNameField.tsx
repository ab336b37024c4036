import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import {
  serviceUrl,
  type ServiceNameFieldOptions,
} from '@knot-platform/plugin-knot-common';
import TextField from '@material-ui/core/TextField';

/** The service's URL; a name not yet valid is shown as typed. */
function addressOf(
  name: string,
  profile: string,
  options: ServiceNameFieldOptions,
): string {
  const scheme = options.scheme ?? 'https';
  try {
    return serviceUrl(name, profile, { ...options, scheme });
  } catch {
    return options.prefix
      ? `${scheme}://${options.prefix.host}${options.prefix.pathPrefix}/${name}-${profile}/`
      : `${scheme}://${name}-${profile}.${options.domain}/`;
  }
}

/**
 * The service name of a Create form, with the address the service will get
 * (`<name>-<profile>.<domain>`, or the URL prefix in prefix mode) under it,
 * following the name and the profile as they are typed. The profile is the
 * form's `profile` (the picker presets it); the domain and exposure mode
 * come from the Template (`ui:options`).
 */
export function ServiceNameField(
  props: FieldExtensionComponentProps<string, ServiceNameFieldOptions>,
) {
  const { formData, onChange, schema, required, rawErrors, idSchema } = props;
  const options = props.uiSchema?.['ui:options'];
  const form = (props.formContext ?? props.registry?.formContext) as
    | { formData?: { profile?: string } }
    | undefined;
  const profile = form?.formData?.profile;
  const errors = rawErrors?.filter(Boolean) ?? [];
  const label = schema.title ?? 'Name';
  let address: string;
  if (!options?.domain) address = schema.description ?? '';
  else if (!formData) address = 'Type a name to see the address of the service';
  else if (!profile)
    address = 'Choose a profile to see the address of the service';
  else {
    address = `The service is reached at ${addressOf(
      formData,
      profile,
      options,
    )}`;
  }
  return (
    <TextField
      id={idSchema?.$id}
      fullWidth
      margin="normal"
      label={label}
      required={required}
      value={formData ?? ''}
      onChange={e => onChange(e.target.value || undefined)}
      error={errors.length > 0}
      helperText={errors.length ? errors.join('; ') : address}
      FormHelperTextProps={{ 'aria-live': 'polite' } as object}
      inputProps={{ 'aria-label': label }}
    />
  );
}

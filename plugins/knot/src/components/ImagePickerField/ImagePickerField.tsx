import { useApi } from '@backstage/frontend-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import TextField from '@material-ui/core/TextField';
import useAsync from 'react-use/esm/useAsync';
import { imagesApiRef } from '../../api/ImagesApi';
import { errorMessage } from '../../api/errorMessage';

/** The most references offered (the Images page pages through the rest). */
export const IMAGE_PICKER_LIMIT = 100;

/**
 * A chart value that is an image reference (`knot.metadata.<value>.image:
 * true`): a text field offering the references of the images the acting
 * profile sees (its own area and the shared one), and still taking any
 * reference typed in. Private images pull with the namespace's pull secret.
 */
export function ImagePickerField(props: FieldExtensionComponentProps<string>) {
  const { formData, onChange, schema, required, rawErrors, idSchema } = props;
  const imagesApi = useApi(imagesApiRef);
  const images = useAsync(
    () =>
      imagesApi.listImages({
        filter: '',
        offset: 0,
        limit: IMAGE_PICKER_LIMIT,
      }),
    [imagesApi],
  );
  const references =
    images.value?.items.flatMap(repository =>
      repository.tags.map(tag => tag.reference),
    ) ?? [];
  const id = idSchema?.$id ?? 'knot-image';
  const listId = `${id}-images`;
  const label = schema.title ?? 'Image';
  const errors = rawErrors?.filter(Boolean) ?? [];
  let help: string | undefined;
  if (errors.length) help = errors.join('; ');
  else if (images.error) {
    help = `Type an image reference (the profile's images cannot be listed: ${errorMessage(
      images.error,
    )})`;
  } else if (images.value) {
    help = references.length
      ? `Pick one of the profile's ${references.length} images or type any reference`
      : 'The profile has no images yet (upload them on the Images page): type any reference';
  } else help = schema.description;
  return (
    <>
      <TextField
        id={id}
        fullWidth
        margin="normal"
        label={label}
        required={required}
        value={formData ?? ''}
        onChange={e => onChange(e.target.value || undefined)}
        error={errors.length > 0}
        helperText={help}
        inputProps={{ 'aria-label': label, list: listId }}
      />
      <datalist id={listId} data-testid={listId}>
        {references.map(reference => (
          <option key={reference} value={reference} />
        ))}
      </datalist>
    </>
  );
}

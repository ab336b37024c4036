import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { IMAGE_PICKER_FIELD } from '@knot-platform/plugin-knot-common';
import { ImagePickerField } from './ImagePickerField';

export { ImagePickerField };

/** The scaffolder form field, loaded lazily by FormFieldBlueprint. */
export const imagePickerFormField = createFormField({
  name: IMAGE_PICKER_FIELD,
  component: ImagePickerField,
});

import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { PROFILE_PICKER_FIELD, ProfilePickerField } from './ProfilePickerField';

export { PROFILE_PICKER_FIELD, ProfilePickerField };

/** The scaffolder form field, loaded lazily by FormFieldBlueprint. */
export const profilePickerFormField = createFormField({
  name: PROFILE_PICKER_FIELD,
  component: ProfilePickerField,
});

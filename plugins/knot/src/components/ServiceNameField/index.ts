import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { SERVICE_NAME_FIELD } from '@knot-platform/plugin-knot-common';
import { ServiceNameField } from './ServiceNameField';

export { ServiceNameField };

/** The scaffolder form field, loaded lazily by FormFieldBlueprint. */
export const serviceNameFormField = createFormField({
  name: SERVICE_NAME_FIELD,
  component: ServiceNameField,
});

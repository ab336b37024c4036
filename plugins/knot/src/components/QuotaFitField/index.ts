import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { QUOTA_FIT_FIELD } from '@knot-platform/plugin-knot-common';
import { QuotaFitField, validateQuotaFit } from './QuotaFitField';

export { QuotaFitField, validateQuotaFit };

/** The scaffolder form field, loaded lazily by FormFieldBlueprint. */
export const quotaFitFormField = createFormField({
  name: QUOTA_FIT_FIELD,
  component: QuotaFitField,
  validation: validateQuotaFit,
});

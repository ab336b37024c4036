import { useEffect } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import {
  TEMPLATE_VALUES_PARAMETER,
  type QuotaFitFieldOptions,
} from '@knot-platform/plugin-knot-common';
import type { FieldValidation } from '@rjsf/utils';
import { knotApiRef } from '../../api/KnotApi';
import { QuotaFitMessage, useQuotaFit } from '../QuotaFit';

/** The field's value while the check runs, and once it says yes. */
const CHECKING = 'checking';
const FITS = 'fits';

/**
 * The quota check of a Create form, on its last page: as the name, the
 * profile and the chart's values change, it asks the backend whether the
 * chart with them fits the profile's quota and says so; its value is the
 * verdict (the refusal in words), which {@link validateQuotaFit} turns
 * into an error that holds the form back. The backend refuses a deploy
 * that does not fit anyway: this only says it before submitting.
 */
export function QuotaFitField(
  props: FieldExtensionComponentProps<string, QuotaFitFieldOptions>,
) {
  const { formData, onChange } = props;
  const options = props.uiSchema?.['ui:options'];
  const knotApi = useApi(knotApiRef);
  const form = (props.formContext ?? props.registry?.formContext) as
    | { formData?: Record<string, unknown> }
    | undefined;
  const name = form?.formData?.name as string | undefined;
  const profile = form?.formData?.profile as string | undefined;
  const values = form?.formData?.[TEMPLATE_VALUES_PARAMETER] as
    | Record<string, unknown>
    | undefined;
  const fit = useQuotaFit(
    options?.chart && name && profile
      ? () =>
          knotApi.checkServiceFit(
            { chart: options.chart, version: options.version, name, values },
            profile,
          )
      : undefined,
    JSON.stringify([name, profile, values ?? null]),
  );
  let verdict = FITS;
  if (fit.checking) verdict = CHECKING;
  else if (fit.verdict && !fit.verdict.fits) {
    verdict = fit.verdict.message ?? 'Does not fit the quota';
  }
  useEffect(() => {
    if (formData !== verdict) onChange(verdict);
  }, [formData, verdict, onChange]);
  // The field's only error is the refusal, which the message already says.
  return <QuotaFitMessage state={fit} />;
}

/**
 * Holds the form back when the deploy does not fit. A check still running
 * does not: the backend refuses the deploy itself if it turns out not to.
 */
export function validateQuotaFit(
  value: string | undefined,
  validation: FieldValidation,
) {
  if (value && value !== FITS && value !== CHECKING) {
    validation.addError(value);
  }
}

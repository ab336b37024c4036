import { useState } from 'react';
import { Progress, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type { KnotService } from '@knot-platform/plugin-knot-common';
import { withTheme } from '@rjsf/core';
import { Theme } from '@rjsf/material-ui';
import type { RJSFSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import useAsync from 'react-use/esm/useAsync';
import { knotApiRef } from '../../api/KnotApi';
import { errorMessage } from '../../api/errorMessage';
import { QuotaFitMessage, useQuotaFit } from '../QuotaFit';

// The Material UI v4 theme of react-jsonschema-form, as the scaffolder's
// Create form uses: the same generated form, the same look.
const Form = withTheme(Theme);

/**
 * "Change values" of a service: the form generated from its chart (the one
 * its Create template shows), prefilled with the current values; submitting
 * upgrades the release with helm. Whether the values fit the profile's
 * quota is shown as they change, and Apply waits for values that do.
 */
export function ChangeValuesDialog(props: {
  service: KnotService;
  onClose: () => void;
  /** Called once helm upgraded the release. */
  onChanged: () => void;
}) {
  const { service, onClose, onChanged } = props;
  const knotApi = useApi(knotApiRef);
  const form = useAsync(
    () => knotApi.getServiceForm(service.name),
    [service.name],
  );
  const [formData, setFormData] = useState<Record<string, unknown>>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();
  // Asked as the values change: the dialog says before Apply whether the
  // quota holds them (the backend refuses them anyway).
  const shown = formData ?? form.value?.values;
  const fit = useQuotaFit(
    shown && (() => knotApi.checkServiceValuesFit(service.name, shown)),
    JSON.stringify(shown ?? null),
  );
  const overQuota = fit.verdict?.fits === false;

  const submit = async (values: Record<string, unknown>) => {
    setSaving(true);
    setError(undefined);
    try {
      await knotApi.updateServiceValues(service.name, values);
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  const hasFields = Object.keys(
    (form.value?.schema as RJSFSchema | undefined)?.properties ?? {},
  ).length;
  return (
    <Dialog
      open
      onClose={saving ? undefined : onClose}
      maxWidth="md"
      fullWidth
      aria-labelledby="change-values-title"
    >
      <DialogTitle id="change-values-title">
        Change values of {service.name}
      </DialogTitle>
      <DialogContent>
        {form.loading && <Progress />}
        {form.error && (
          <WarningPanel
            title="This service's values cannot be changed"
            message={errorMessage(form.error)}
          />
        )}
        {form.value && (
          <>
            <DialogContentText>
              {form.value.chart} {form.value.chartVersion}: the service is
              redeployed with these values (helm upgrade).
            </DialogContentText>
            {!hasFields && (
              <DialogContentText>
                This chart has no settings to change.
              </DialogContentText>
            )}
            <Form
              schema={form.value.schema as RJSFSchema}
              formData={formData ?? form.value.values}
              validator={validator}
              disabled={saving}
              showErrorList={false}
              noHtml5Validate
              onChange={e => setFormData(e.formData)}
              onSubmit={e => submit(e.formData ?? {})}
            >
              <QuotaFitMessage state={fit} />
              {error && (
                <WarningPanel
                  title="The values were not applied"
                  message={error}
                />
              )}
              <DialogActions>
                <Button onClick={onClose} disabled={saving}>
                  Cancel
                </Button>
                <Button
                  type="submit"
                  color="primary"
                  variant="contained"
                  disabled={saving || !hasFields || overQuota}
                  startIcon={
                    saving ? <CircularProgress size={16} /> : undefined
                  }
                >
                  {saving ? 'Deploying…' : 'Apply'}
                </Button>
              </DialogActions>
            </Form>
          </>
        )}
      </DialogContent>
      {!form.value && (
        <DialogActions>
          <Button onClick={onClose}>Close</Button>
        </DialogActions>
      )}
    </Dialog>
  );
}

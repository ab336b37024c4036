import {
  parseQuotaQuantity,
  quotaResourceLabel,
  type ProfileQuota,
  type QuotaOverridesResult,
} from '@knot-platform/plugin-knot-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { errorMessage } from '../../api/errorMessage';

/** What is wrong with a typed quantity, in words; undefined when fine. */
export function quantityProblem(
  resource: string,
  value: string,
): string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  const number = parseQuotaQuantity(trimmed);
  if (number === undefined) {
    return 'Write a number with an optional unit, e.g. 2, 500m, 4Gi';
  }
  if (resource === 'pods' && !Number.isInteger(number)) {
    return 'A whole number of pods';
  }
  return undefined;
}

/**
 * An admin's overrides of one profile: one field per resource (empty: the
 * default applies); saved all at once, and the profile is reconciled.
 */
export function QuotaOverridesDialog(props: {
  quota: ProfileQuota;
  resources: string[];
  save(overrides: Record<string, string>): Promise<QuotaOverridesResult>;
  onClose(saved: boolean): void;
}) {
  const { quota, resources } = props;
  const [values, setValues] = useState<Record<string, string>>(quota.overrides);
  const [refusal, setRefusal] = useState<string>();
  const [saving, setSaving] = useState(false);
  const problems = Object.fromEntries(
    resources.map(r => [r, quantityProblem(r, values[r] ?? '')]),
  );
  const valid = Object.values(problems).every(p => p === undefined);
  const limitOf = (resource: string) =>
    quota.resources.find(r => r.resource === resource);

  const submit = async (overrides: Record<string, string>) => {
    setSaving(true);
    setRefusal(undefined);
    try {
      const result = await props.save(overrides);
      const failed = result.reconcile.actions.filter(
        a => a.action === 'failed',
      );
      if (failed.length > 0) {
        setRefusal(
          `Saved, but the namespace did not follow yet: ${failed
            .map(a => a.detail ?? a.name)
            .join('; ')}`,
        );
        return;
      }
      props.onClose(true);
    } catch (error) {
      setRefusal(errorMessage(error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog open onClose={() => props.onClose(false)} fullWidth>
      <DialogTitle>Quota of {quota.profile}</DialogTitle>
      <form
        aria-label={`Quota of ${quota.profile}`}
        onSubmit={event => {
          event.preventDefault();
          if (!valid) return;
          submit(
            Object.fromEntries(
              Object.entries(values)
                .map(([r, v]) => [r, v.trim()])
                .filter(([, v]) => v !== ''),
            ),
          );
        }}
      >
        <DialogContent>
          <DialogContentText>
            Leave a field empty to keep the default. Storage of the private
            folder counts bytes (e.g. 10Gi); uploads beyond it are refused.
          </DialogContentText>
          {resources.map(resource => {
            const current = limitOf(resource);
            const fallback =
              current?.source && current.source !== 'override'
                ? `${current.source}: ${current.limit}`
                : 'no limit by default';
            return (
              <TextField
                key={resource}
                id={`knot-quota-${resource}`}
                label={`${quotaResourceLabel(resource)} (${resource})`}
                value={values[resource] ?? ''}
                placeholder={fallback}
                onChange={e =>
                  setValues({ ...values, [resource]: e.target.value })
                }
                error={problems[resource] !== undefined}
                helperText={problems[resource] ?? fallback}
                fullWidth
                margin="dense"
              />
            );
          })}
          {refusal && (
            <Typography color="error" role="alert">
              {refusal}
            </Typography>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => submit({})} disabled={saving}>
            Clear overrides
          </Button>
          <Button onClick={() => props.onClose(false)}>Cancel</Button>
          <Button type="submit" color="primary" disabled={!valid || saving}>
            Save
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

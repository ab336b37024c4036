import Typography from '@material-ui/core/Typography';
import type { QuotaFitState } from './useQuotaFit';

/**
 * The fit check in words under a form: the refusal ("Needs 2 CPU, 1.5 CPU
 * free of 4 in alice's quota") as an error, else a quiet line.
 */
export function QuotaFitMessage(props: { state: QuotaFitState }) {
  const { checking, verdict, error } = props.state;
  let text: string;
  let color: 'error' | 'textSecondary' = 'textSecondary';
  if (checking) text = 'Checking whether this fits the quota…';
  else if (error) text = `The quota could not be checked: ${error}`;
  else if (verdict && !verdict.fits) {
    text = verdict.message ?? 'This does not fit the quota';
    color = 'error';
  } else if (verdict) text = 'Fits the quota';
  else return null;
  return (
    <Typography
      variant="body2"
      color={color}
      role={color === 'error' ? 'alert' : 'status'}
      aria-live="polite"
    >
      {text}
    </Typography>
  );
}

import {
  formatQuotaQuantity,
  parseQuotaQuantity,
  quotaResourceLabel,
  type QuotaResourceUsage,
} from '@knot-platform/plugin-knot-common';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';

/** From this share of a limit on, the bar warns. */
const NEARLY_FULL = 0.9;

/** "1.5 CPU / 4 CPU", and the share used (0…1; undefined without a limit). */
export function describeUsage(usage: QuotaResourceUsage): {
  text: string;
  share?: number;
} {
  const used = parseQuotaQuantity(usage.used) ?? 0;
  const usedText = formatQuotaQuantity(usage.resource, used);
  const limit =
    usage.limit === undefined ? undefined : parseQuotaQuantity(usage.limit);
  if (limit === undefined) return { text: `${usedText} / no limit` };
  const text = `${usedText} / ${formatQuotaQuantity(usage.resource, limit)}`;
  if (limit === 0) return { text, share: used > 0 ? 1 : 0 };
  return { text, share: used / limit };
}

/** One resource: its name, "used / limit" and a bar. */
export function QuotaBar(props: { usage: QuotaResourceUsage }) {
  const { usage } = props;
  const { text, share } = describeUsage(usage);
  const label = quotaResourceLabel(usage.resource);
  return (
    <Box mb={1.5}>
      <Box display="flex" justifyContent="space-between">
        <Typography variant="body2">{label}</Typography>
        <Typography variant="body2" color="textSecondary">
          {text}
        </Typography>
      </Box>
      {share !== undefined && (
        <LinearProgress
          variant="determinate"
          aria-label={`${label}: ${text}`}
          value={Math.min(100, share * 100)}
          color={share >= NEARLY_FULL ? 'secondary' : 'primary'}
        />
      )}
    </Box>
  );
}

import { Content, Progress, WarningPanel } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { errorMessage } from '../api/errorMessage';

/** A list a page loads (and refreshes) from Knot's API. */
export interface LoadState {
  loading: boolean;
  error?: Error;
  value?: unknown;
}

/**
 * What a list page shows until its list first arrives: progress, or why it
 * could not be listed. Undefined once there is a list to show (a failed
 * refresh keeps the last one on screen).
 */
export function firstLoadView(
  state: LoadState,
  failureTitle: string,
): JSX.Element | undefined {
  if (state.value !== undefined) return undefined;
  if (state.loading) return <Progress />;
  if (state.error) {
    return (
      <Content>
        <WarningPanel
          title={failureTitle}
          message={errorMessage(state.error)}
        />
      </Content>
    );
  }
  return undefined;
}

/**
 * A short notice above a list whose latest refresh failed: the list stays
 * on screen (a few seconds old) and the notice says why it is not newer.
 */
export function RefreshFailed(props: { state: LoadState; what: string }) {
  const { state, what } = props;
  if (state.value === undefined || !state.error) return null;
  return (
    <Typography color="error" variant="body2" role="status" paragraph>
      Could not refresh {what} ({errorMessage(state.error)}); showing the last
      list read. Trying again in a few seconds.
    </Typography>
  );
}

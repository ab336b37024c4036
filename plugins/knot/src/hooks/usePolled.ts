import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';

/** How often the profile's lists (services, datasets) are read again. */
export const REFRESH_MS = 5000;

/** `load`'s answer, read again every REFRESH_MS and on `retry()`. */
export function usePolled<T>(load: () => Promise<T>, deps: unknown[]) {
  const state = useAsyncRetry(load, deps);
  useInterval(state.retry, REFRESH_MS);
  return state;
}

import { useRef } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';

/** How often the profile's lists (services, datasets) are read again. */
export const REFRESH_MS = 5000;

function sameDeps(a: unknown[], b: unknown[]): boolean {
  return a.length === b.length && a.every((d, i) => Object.is(d, b[i]));
}

/**
 * `load`'s answer, read again every `intervalMs` (REFRESH_MS unless given)
 * and on `retry()`. A refresh that fails keeps the last answer as `value`
 * beside its `error`: one slow or refused read must not blank the page (and
 * close the dialogs opened on it) when the list on screen is a few seconds
 * old.
 */
export function usePolled<T>(
  load: () => Promise<T>,
  deps: unknown[],
  intervalMs: number = REFRESH_MS,
) {
  // The last answer with the deps it was read for.
  const last = useRef<{ deps: unknown[]; value: T }>();
  const state = useAsyncRetry(async () => {
    const value = await load();
    last.current = { deps, value };
    return value;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  useInterval(state.retry, intervalMs);
  if (state.value !== undefined || !state.error) return state;
  // An answer read for other deps (another profile's list) is never shown.
  if (!last.current || !sameDeps(last.current.deps, deps)) return state;
  return { ...state, value: last.current.value };
}

import type {
  KnotAuditEntry,
  KnotAuditQuery,
} from '@knot-platform/plugin-knot-common';
import { useCallback, useEffect, useState } from 'react';
import type { AuditApi } from '../../api/AuditApi';
import { errorMessage } from '../../api/errorMessage';

const PAGE_SIZE = 50;

/**
 * The audit entries of a filter, a page at a time ("Load older" appends
 * the next); starts over when the filter changes.
 */
export function useAuditPages(
  api: AuditApi,
  query: KnotAuditQuery,
  options: { mine?: boolean } = {},
) {
  const [entries, setEntries] = useState<KnotAuditEntry[]>([]);
  const [next, setNext] = useState<number | undefined>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string>();
  const key = JSON.stringify([query, options.mine]);

  const load = useCallback(
    async (before?: number) => {
      setLoading(true);
      setError(undefined);
      try {
        const page = await api.list(
          { ...query, before, limit: PAGE_SIZE },
          options,
        );
        setEntries(current =>
          before === undefined ? page.items : [...current, ...page.items],
        );
        setNext(page.nextBefore);
      } catch (e) {
        setError(errorMessage(e));
      } finally {
        setLoading(false);
      }
    },
    // The filter's value, not its identity.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, key],
  );

  useEffect(() => {
    load();
  }, [load]);

  return {
    entries,
    loading,
    error,
    more: next === undefined ? undefined : () => load(next),
  };
}

import { useEffect, useRef, useState } from 'react';
import type { KnotServiceFit } from '@knot-platform/plugin-knot-common';
import { errorMessage } from '../../api/errorMessage';

/** Where the fit check of a form's current values is. */
export interface QuotaFitState {
  checking: boolean;
  verdict?: KnotServiceFit;
  /** The check itself failed (e.g. the chart refused the values). */
  error?: string;
}

/** How long typing pauses before the chart is rendered again. */
const PAUSE_MS = 600;

/**
 * The fit verdict of what a form holds now: asked again once `key` (the
 * inputs) stops changing for a moment; an answer to older inputs is
 * dropped. No `check` (the form is incomplete) asks nothing.
 */
export function useQuotaFit(
  check: (() => Promise<KnotServiceFit>) | undefined,
  key: string,
): QuotaFitState {
  const [state, setState] = useState<QuotaFitState>({ checking: !!check });
  const latest = useRef(0);
  const checkRef = useRef(check);
  checkRef.current = check;
  const enabled = !!check;
  useEffect(() => {
    const asked = ++latest.current;
    if (!enabled) {
      setState({ checking: false });
      return undefined;
    }
    setState(s => ({ ...s, checking: true }));
    const timer = setTimeout(() => {
      Promise.resolve()
        .then(() => checkRef.current?.())
        .then(
          verdict => {
            if (asked === latest.current) {
              setState({ checking: false, verdict });
            }
          },
          e => {
            if (asked === latest.current) {
              setState({ checking: false, error: errorMessage(e) });
            }
          },
        );
    }, PAUSE_MS);
    return () => clearTimeout(timer);
  }, [key, enabled]);
  return state;
}

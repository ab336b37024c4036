import { useState } from 'react';
import { errorMessage } from '../api/errorMessage';

/**
 * Runs what a person asked for (approve, invite, leave, ...), keeps why it
 * was refused in their words, and refreshes the page's data either way.
 */
export function useActionRunner(refresh: () => void) {
  const [error, setError] = useState<string>();
  const run = async (action: () => Promise<unknown>) => {
    try {
      setError(undefined);
      await action();
    } catch (e) {
      setError(errorMessage(e));
    }
    refresh();
  };
  return { run, error };
}

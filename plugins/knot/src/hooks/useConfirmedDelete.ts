import { useState } from 'react';
import { errorMessage } from '../api/errorMessage';

/**
 * A delete behind a confirmation dialog: the item asked about (the dialog is
 * open while there is one), and the refusal in words when the delete fails
 * (the dialog stays open with it).
 */
export function useConfirmedDelete<T>(
  remove: (item: T) => Promise<void>,
  onDeleted: () => void,
) {
  const [deleting, setDeleting] = useState<T>();
  const [error, setError] = useState<string>();
  const confirm = async () => {
    if (!deleting) return;
    try {
      await remove(deleting);
      setDeleting(undefined);
      setError(undefined);
      onDeleted();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return {
    deleting,
    ask: (item: T) => setDeleting(item),
    cancel: () => setDeleting(undefined),
    confirm,
    error,
  };
}

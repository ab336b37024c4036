/**
 * Runs `task` now, or once more after the running one when called during it:
 * a burst of changes (a team with its members) costs two refreshes, not one
 * per change, and none is missed.
 */
export function coalesced(task: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const run = () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    task().finally(() => {
      running = false;
      if (again) {
        again = false;
        run();
      }
    });
  };
  return run;
}

/**
 * Polls `probe` until it returns a value (not `undefined`) and returns it;
 * a throwing probe counts as "not yet". Fails after `timeoutMs`, naming
 * `what` and the probe's last error: cluster state (pods, namespaces,
 * routes of an ingress) converges, it does not change at once.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`,
      );
    }
    await new Promise(r => setTimeout(r, intervalMs));
  }
}

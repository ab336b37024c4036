/**
 * The last request forward-auth let through to each service host, in
 * memory: `touch` is one Map write per request (no I/O, no await), so
 * tracking costs forward-auth next to nothing; `drain` hands the accesses
 * over to be written to the cluster every flush interval.
 */
export class ActivityTracker {
  private accesses = new Map<string, number>();

  /** A request to `host`, a service of `owner`, was let through. */
  touch(owner: string, host: string, atMs: number = Date.now()): void {
    this.accesses.set(`${owner}/${host}`, atMs);
  }

  /** The accesses since the last drain; the tracker starts over empty. */
  drain(): Array<{ owner: string; host: string; atMs: number }> {
    const drained = this.accesses;
    this.accesses = new Map();
    return [...drained].map(([key, atMs]) => {
      const slash = key.indexOf('/');
      return { owner: key.slice(0, slash), host: key.slice(slash + 1), atMs };
    });
  }

  /** Gives back accesses a failed flush could not write (the later time wins). */
  restore(accesses: Array<{ owner: string; host: string; atMs: number }>) {
    for (const { owner, host, atMs } of accesses) {
      const key = `${owner}/${host}`;
      this.accesses.set(key, Math.max(atMs, this.accesses.get(key) ?? 0));
    }
  }
}

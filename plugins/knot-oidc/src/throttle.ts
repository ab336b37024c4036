/**
 * Slows down password guessing: after `limit` failures for one username
 * within `windowMs`, further attempts are refused until the window passes.
 * Per process (each replica counts its own attempts); scrypt's cost and the
 * constant-time checks are the other half of the defence.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit = 10,
    private readonly windowMs = 5 * 60_000,
  ) {}

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter(
      t => now - t < this.windowMs,
    );
    if (list.length) {
      this.failures.set(key, list);
    } else {
      this.failures.delete(key);
    }
    return list;
  }

  blocked(key: string, now = Date.now()): boolean {
    return this.recent(key, now).length >= this.limit;
  }

  fail(key: string, now = Date.now()) {
    this.failures.set(key, [...this.recent(key, now), now]);
  }

  succeed(key: string) {
    this.failures.delete(key);
  }
}

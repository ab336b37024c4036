import type { Knex } from 'knex';

const TABLE = 'knot_oidc_login_failures';

/** The column holds at most this much of a username (anything may be typed). */
const MAX_KEY_LENGTH = 255;

/**
 * Slows down password guessing: at most `limit` attempts for one username
 * are checked within `windowMs`; further attempts are refused until the
 * window passes. Attempts are kept in the database, so every replica counts
 * them all; scrypt's cost and the constant-time checks are the other half of
 * the defence. (Per username only: there is no per-IP limit.)
 */
export class LoginThrottle {
  constructor(
    private readonly knex: Knex,
    private readonly limit = 10,
    private readonly windowMs = 5 * 60_000,
  ) {}

  /**
   * Counts an attempt before its password is checked. `allowed` is false
   * when the attempts within the window, this one included, are over the
   * limit: the caller must then not check the password. The row stays
   * either way; `release` removes it for an attempt that turned out not to
   * be a guess, `succeed` removes every row of the username.
   *
   * Insert first, count after: concurrent attempts (on any replica) cannot
   * all pass, since each one's count sees its own row and every row inserted
   * before it, so the k-th attempt to be stored counts at least k.
   */
  async attempt(
    username: string,
    now = Date.now(),
  ): Promise<{ allowed: boolean; id: number }> {
    const [row] = await this.knex(TABLE)
      .insert({ username: key(username), at: now })
      .returning('id');
    // What is past the window never counts again: keep the table small.
    await this.knex(TABLE)
      .where('at', '<=', now - this.windowMs)
      .delete();
    const [{ n }] = await this.knex(TABLE)
      .where('username', key(username))
      .andWhere('at', '>', now - this.windowMs)
      .count({ n: '*' });
    return {
      allowed: Number(n) <= this.limit,
      id: Number(typeof row === 'object' ? row.id : row),
    };
  }

  /** Forgets one attempt (its password was right, e.g. awaiting approval). */
  async release(id: number): Promise<void> {
    await this.knex(TABLE).where('id', id).delete();
  }

  async succeed(username: string): Promise<void> {
    await this.knex(TABLE).where('username', key(username)).delete();
  }
}

function key(username: string): string {
  return username.slice(0, MAX_KEY_LENGTH);
}

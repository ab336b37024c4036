import type { Knex } from 'knex';

const TABLE = 'knot_oidc_login_failures';

/** The column holds at most this much of a username (anything may be typed). */
const MAX_KEY_LENGTH = 255;

/**
 * Slows down password guessing: after `limit` failures for one username
 * within `windowMs`, further attempts are refused until the window passes.
 * Failures are kept in the database, so every replica counts them all;
 * scrypt's cost and the constant-time checks are the other half of the
 * defence.
 */
export class LoginThrottle {
  constructor(
    private readonly knex: Knex,
    private readonly limit = 10,
    private readonly windowMs = 5 * 60_000,
  ) {}

  async blocked(username: string, now = Date.now()): Promise<boolean> {
    const [{ n }] = await this.knex(TABLE)
      .where('username', key(username))
      .andWhere('at', '>', now - this.windowMs)
      .count({ n: '*' });
    return Number(n) >= this.limit;
  }

  async fail(username: string, now = Date.now()): Promise<void> {
    await this.knex(TABLE).insert({ username: key(username), at: now });
    // What is past the window never counts again: keep the table small.
    await this.knex(TABLE)
      .where('at', '<=', now - this.windowMs)
      .delete();
  }

  async succeed(username: string): Promise<void> {
    await this.knex(TABLE).where('username', key(username)).delete();
  }
}

function key(username: string): string {
  return username.slice(0, MAX_KEY_LENGTH);
}

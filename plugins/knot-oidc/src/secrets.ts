import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

const TABLE = 'knot_oidc_secrets';

/**
 * Returns the secret stored under `id`, creating it with `make` the first
 * time. Concurrent replicas race on the insert; the first one wins and every
 * replica reads back the same value.
 */
async function storedSecret(
  knex: Knex,
  id: string,
  make: () => string,
): Promise<string> {
  const existing = await knex(TABLE).where({ id }).first();
  if (existing) {
    return existing.value;
  }
  await knex(TABLE)
    .insert({ id, value: make(), created_at: Date.now() })
    .onConflict('id')
    .ignore();
  return (await knex(TABLE).where({ id }).first()).value;
}

const DAY = 24 * 60 * 60 * 1000;

/** The first signing key's id; later ones are `signing-key:<period>`. */
const SIGNING_KEY = 'signing-key';

/**
 * How long a replaced key stays published for verification: ID tokens live
 * an hour (access and refresh tokens are opaque, checked in the database).
 */
const REPLACED_KEY_GRACE_MS = DAY;

export interface SigningKeyOptions {
  /** A new key signs once the newest is this old. */
  rotateAfterMs: number;
  now?: number;
}

function newSigningKey(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return JSON.stringify({
    ...privateKey.export({ format: 'jwk' }),
    kid: randomUUID(),
    alg: 'RS256',
    use: 'sig',
  });
}

/**
 * The provider's RS256 signing keys (private JWKs), newest first: the newest
 * signs, the others stay published until their grace period ends. A new key
 * is made when the newest is older than `rotateAfterMs`, with an id derived
 * from the rotation period, so replicas starting in the same period agree
 * on one key (the first insert wins).
 */
export async function signingKeys(
  knex: Knex,
  options: SigningKeyOptions,
): Promise<Record<string, unknown>[]> {
  const now = options.now ?? Date.now();
  // created_at is a bigint: a string on PostgreSQL.
  const stored = async () =>
    (
      await knex(TABLE)
        .where('id', SIGNING_KEY)
        .orWhere('id', 'like', `${SIGNING_KEY}:%`)
    )
      .map(row => ({ ...row, created_at: Number(row.created_at) }))
      .sort((a, b) => b.created_at - a.created_at);
  let keys = await stored();
  if (keys.length === 0 || keys[0].created_at + options.rotateAfterMs <= now) {
    const period = Math.floor(now / options.rotateAfterMs);
    await knex(TABLE)
      .insert({
        id: keys.length === 0 ? SIGNING_KEY : `${SIGNING_KEY}:${period}`,
        value: newSigningKey(),
        created_at: now,
      })
      .onConflict('id')
      .ignore();
    keys = await stored();
  }
  // A key is retired once the key that replaced it is past the grace period.
  const retired = keys.filter(
    (_key, i) => i > 0 && keys[i - 1].created_at + REPLACED_KEY_GRACE_MS <= now,
  );
  if (retired.length > 0) {
    await knex(TABLE)
      .whereIn(
        'id',
        retired.map(key => key.id),
      )
      .delete();
  }
  return keys
    .filter(key => !retired.includes(key))
    .map(key => JSON.parse(key.value));
}

/** Keys that sign the provider's cookies, generated once. */
export async function cookieKeys(knex: Knex): Promise<string[]> {
  const value = await storedSecret(knex, 'cookie-keys', () =>
    JSON.stringify([randomBytes(32).toString('base64url')]),
  );
  return JSON.parse(value);
}

/**
 * A random 32-byte key under `id`, made by the first replica to ask and the
 * same for every replica after: for other features' HMACs (image push
 * grants), kept beside the provider's own keys.
 */
export async function sharedSecret(knex: Knex, id: string): Promise<Buffer> {
  const value = await storedSecret(knex, `shared:${id}`, () =>
    randomBytes(32).toString('base64url'),
  );
  return Buffer.from(value, 'base64url');
}

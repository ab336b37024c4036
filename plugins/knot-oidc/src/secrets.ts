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

/** The provider's RS256 signing key (private JWK), generated once. */
export async function signingKey(knex: Knex): Promise<Record<string, unknown>> {
  const value = await storedSecret(knex, 'signing-key', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return JSON.stringify({
      ...privateKey.export({ format: 'jwk' }),
      kid: randomUUID(),
      alg: 'RS256',
      use: 'sig',
    });
  });
  return JSON.parse(value);
}

/** Keys that sign the provider's cookies, generated once. */
export async function cookieKeys(knex: Knex): Promise<string[]> {
  const value = await storedSecret(knex, 'cookie-keys', () =>
    JSON.stringify([randomBytes(32).toString('base64url')]),
  );
  return JSON.parse(value);
}

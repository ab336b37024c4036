import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

// scrypt cost: N=2^15 takes ~50 ms here, slow enough to make guessing
// expensive and fast enough for a sign-in. Stored with the hash so it can be
// raised later without invalidating existing passwords.
const N = 32768;
const R = 8;
const P = 1;
const KEY_LENGTH = 64;
const MAX_MEMORY = 128 * N * R * 2;

function derive(
  password: string,
  salt: Buffer,
  n: number,
  r: number,
  p: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFKC'),
      salt,
      KEY_LENGTH,
      { N: n, r, p, maxmem: Math.max(MAX_MEMORY, 128 * n * r * 2) },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

/** Hashes a password with scrypt and a fresh per-user salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return [
    'scrypt',
    N,
    R,
    P,
    salt.toString('base64'),
    key.toString('base64'),
  ].join('$');
}

// Checked against when the user does not exist, so that an unknown username
// takes as long as a wrong password (no username probing by timing).
let dummyHash: Promise<string> | undefined;

/**
 * Whether `password` matches `stored`; constant-time in the comparison, and
 * as slow for a missing hash (`undefined`) as for a real one.
 */
export async function verifyPassword(
  password: string,
  stored: string | null | undefined,
): Promise<boolean> {
  if (!stored) {
    dummyHash ??= hashPassword('knot-dummy-password');
    await verifyPassword(password, await dummyHash);
    return false;
  }
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !hash) {
    return false;
  }
  const expected = Buffer.from(hash, 'base64');
  const actual = await derive(
    password,
    Buffer.from(salt, 'base64'),
    Number(n),
    Number(r),
    Number(p),
  );
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Password rules, with the message a user sees when one is broken. */
export function passwordProblem(password: unknown): string | undefined {
  if (typeof password !== 'string') {
    return 'password must be a string';
  }
  if (password.length < 8) {
    return 'password must be at least 8 characters long';
  }
  if (password.length > 256) {
    return 'password must be at most 256 characters long';
  }
  return undefined;
}

import { randomBytes } from 'node:crypto';
import { PUSH_GRANT_TTL_MS, PushGrants } from './pushGrants';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const key = randomBytes(32);
const alices = (blobs: Record<string, number>) => ({
  user: 'user:default/alice',
  profile: 'alice',
  repository: 'alice/env',
  blobs,
});

describe('PushGrants', () => {
  let now = 1_000_000;
  const grants = new PushGrants(key, PUSH_GRANT_TTL_MS, () => now);

  it('verifies what it issued, on any replica sharing the key', () => {
    const { grant, expiresAt } = grants.issue({
      user: 'user:default/alice',
      profile: 'alice',
      repository: 'alice/env',
      blobs: { [DIGEST]: 42 },
    });
    expect(expiresAt).toBe(now + 15 * 60 * 1000);
    const other = new PushGrants(
      Buffer.from(key),
      PUSH_GRANT_TTL_MS,
      () => now,
    );
    expect(other.verify(grant)).toEqual({
      user: 'user:default/alice',
      profile: 'alice',
      repository: 'alice/env',
      blobs: { [DIGEST]: 42 },
      expiresAt,
    });
  });

  it('refuses an expired grant', () => {
    const { grant } = grants.issue(alices({}));
    now += PUSH_GRANT_TTL_MS;
    expect(grants.verify(grant)).toBeUndefined();
  });

  it('refuses a grant of another key', () => {
    const { grant } = new PushGrants(randomBytes(32), 1000, () => now).issue(
      alices({}),
    );
    expect(grants.verify(grant)).toBeUndefined();
  });

  it('refuses a grant whose payload was changed (another repository, user, profile or blob)', () => {
    const { grant } = grants.issue(alices({ [DIGEST]: 42 }));
    const [version, payload, signature] = grant.split('.');
    const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString());
    for (const change of [
      { repository: 'bob/env' },
      { user: 'user:default/bob' },
      { profile: 'lab' },
      { blobs: { [DIGEST]: 42, [`sha256:${'b'.repeat(64)}`]: 1 } },
      { expiresAt: parsed.expiresAt + 3600_000 },
    ]) {
      const forged = Buffer.from(
        JSON.stringify({ ...parsed, ...change }),
      ).toString('base64url');
      expect(
        grants.verify(`${version}.${forged}.${signature}`),
      ).toBeUndefined();
    }
    // The signature alone changed, or cut short, or missing.
    const flipped = Buffer.from(signature, 'base64url');
    flipped[0] ^= 1;
    expect(
      grants.verify(`${version}.${payload}.${flipped.toString('base64url')}`),
    ).toBeUndefined();
    expect(
      grants.verify(`${version}.${payload}.${signature.slice(0, 20)}`),
    ).toBeUndefined();
    expect(grants.verify(`${version}.${payload}`)).toBeUndefined();
    expect(grants.verify(`v1.${payload}.${signature}`)).toBeUndefined();
    expect(grants.verify(`v3.${payload}.${signature}`)).toBeUndefined();
    expect(grants.verify('')).toBeUndefined();
  });

  it('lives 15 minutes at most and needs a real key', () => {
    expect(() => new PushGrants(key, PUSH_GRANT_TTL_MS + 1)).toThrow(
      /15 minutes/,
    );
    expect(() => new PushGrants(Buffer.alloc(8))).toThrow(/32 bytes/);
  });
});

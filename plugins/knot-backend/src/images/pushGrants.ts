import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a grant lets its user push, until when. */
export interface PushGrant {
  /** The user's entity ref. */
  user: string;
  /**
   * The profile the user acted as: each use checks they still may (a
   * deactivated user, or one out of the team, pushes nothing more).
   */
  profile: string;
  /** The registry repository path (`alice/env`). */
  repository: string;
  /** The blobs it may push: digest → size in bytes. */
  blobs: Record<string, number>;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

const VERSION = 'v2';
/** Longest a grant lives: enough for a large layer on a slow line. */
export const PUSH_GRANT_TTL_MS = 15 * 60 * 1000;

function mac(key: Buffer, payload: string): Buffer {
  // The purpose in the MAC: a grant is never valid as anything else.
  return createHmac('sha256', key)
    .update(`knot-image-push-grant.${VERSION}.${payload}`)
    .digest();
}

/**
 * Grants for the browser to push an upload's large blobs to the registry
 * itself (through the ingress, `knot.images.registry.browserPushUrl`):
 * `v2.<payload>.<HMAC>`, signed with a key every replica shares
 * (`sharedSecret`), so any replica checks what another issued. Stateless:
 * short-lived instead of revocable.
 */
export class PushGrants {
  constructor(
    private readonly key: Buffer,
    private readonly ttlMs = PUSH_GRANT_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {
    if (key.length < 32) throw new Error('A push grant key needs 32 bytes');
    if (ttlMs > PUSH_GRANT_TTL_MS) {
      throw new Error('A push grant lives 15 minutes at most');
    }
  }

  issue(what: Omit<PushGrant, 'expiresAt'>): {
    grant: string;
    expiresAt: number;
  } {
    const expiresAt = this.now() + this.ttlMs;
    const { user, profile, repository, blobs } = what;
    const payload = Buffer.from(
      JSON.stringify({ user, profile, repository, blobs, expiresAt }),
    ).toString('base64url');
    const signature = mac(this.key, payload).toString('base64url');
    return { grant: `${VERSION}.${payload}.${signature}`, expiresAt };
  }

  /** The grant, or undefined when it is malformed, tampered with or expired. */
  verify(grant: string): PushGrant | undefined {
    const parts = grant.split('.');
    if (parts.length !== 3 || parts[0] !== VERSION) return undefined;
    const [, payload, signature] = parts;
    const given = Buffer.from(signature, 'base64url');
    const expected = mac(this.key, payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return undefined;
    }
    let parsed: PushGrant;
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (
      typeof parsed?.user !== 'string' ||
      typeof parsed.profile !== 'string' ||
      typeof parsed.repository !== 'string' ||
      typeof parsed.blobs !== 'object' ||
      parsed.blobs === null ||
      typeof parsed.expiresAt !== 'number' ||
      parsed.expiresAt <= this.now()
    ) {
      return undefined;
    }
    return parsed;
  }
}

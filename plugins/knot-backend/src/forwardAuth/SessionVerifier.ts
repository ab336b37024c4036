import type { AuthService } from '@backstage/backend-plugin-api';
import type { Request } from 'express';

/** A signed-in browser, and which of its headers carried Knot's credential. */
export interface Session {
  /** The user's entity ref. */
  user: string;
  /** `Authorization: Bearer` or the session cookie. */
  from: 'bearer' | 'cookie';
}

/**
 * Who the browser behind a forward-auth request is. Today: a Backstage user
 * token; identity's OIDC session can implement the same interface.
 */
export interface SessionVerifier {
  /** The session, or undefined for an anonymous request. */
  sessionOf(req: Request): Promise<Session | undefined>;
}

/** Reads a cookie from the raw header (no cookie-parser in the chain). */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.header('cookie') ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/** The request's bearer token, if any. */
export function bearerToken(req: Request): string | undefined {
  return req.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
}

/**
 * Accepts a Backstage user token as `Authorization: Bearer` or in the
 * `knot_session` cookie the session endpoint sets on the services' domain.
 */
export class BackstageTokenSessionVerifier implements SessionVerifier {
  constructor(
    private readonly auth: AuthService,
    private readonly cookieName: string,
  ) {}

  async sessionOf(req: Request): Promise<Session | undefined> {
    const bearer = bearerToken(req);
    const token = bearer ?? readCookie(req, this.cookieName);
    if (!token) return undefined;
    try {
      const credentials = await this.auth.authenticate(token, {
        allowLimitedAccess: true,
      });
      return this.auth.isPrincipal(credentials, 'user')
        ? {
            user: credentials.principal.userEntityRef,
            from: bearer ? 'bearer' : 'cookie',
          }
        : undefined;
    } catch {
      // Expired or forged: treated as anonymous, so the browser signs in again.
      return undefined;
    }
  }
}

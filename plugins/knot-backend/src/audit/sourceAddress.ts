import type { Request } from 'express';

/**
 * The client address of a request as Backstage sees it: Express's `req.ip`,
 * which follows X-Forwarded-For only as far as `backend.trustProxy` allows
 * (Backstage sets Express's `trust proxy` from it; unset, the header is
 * ignored). Never the header itself: any client can write one.
 */
export function sourceAddress(req: Request): string | undefined {
  return req.ip ?? req.socket?.remoteAddress;
}

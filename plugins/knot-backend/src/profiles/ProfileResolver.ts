import type { ActingProfile } from '@knot-platform/plugin-knot-common';
import type { Request } from 'express';

/**
 * Works out which profile a request acts as, and refuses (403) a profile the
 * signed-in user may not act as. Every Knot route that touches a profile's
 * data goes through it.
 */
export interface ProfileResolver {
  /**
   * `mode` overrides what the request's method says: switching to a profile
   * (a POST) needs only the right to look at it. `profile` overrides the
   * request's profile header, for a request that cannot carry it (the
   * ingress's auth request for a registry push names it in its grant).
   */
  resolve(
    req: Request,
    mode?: 'read' | 'write',
    profile?: string,
  ): Promise<ActingProfile>;
}

import type { Request } from 'express';

/** The profile (user or team) a request acts as. */
export interface ActingProfile {
  /** The profile's name: a username or a team name. */
  name: string;
  /** The signed-in user (differs from `name` when acting as a team or impersonating). */
  actor: string;
  /** The profile's namespace. */
  namespace: string;
}

/** The HTTP header the frontend sends to choose the acting profile. */
export const PROFILE_HEADER = 'x-knot-profile';

/**
 * Works out which profile a request acts as, and refuses (403) a profile the
 * signed-in user may not act as. Every Knot route that touches a profile's
 * data goes through it.
 */
export interface ProfileResolver {
  resolve(req: Request): Promise<ActingProfile>;
}

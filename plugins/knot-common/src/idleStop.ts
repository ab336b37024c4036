/** Idle stop of services: the wire shapes and the duration words. */

/**
 * A service's idle stop, as `GET /api/knot/services` lists it: when it will
 * be stopped without traffic, or when and after how long idle it was.
 */
export interface KnotServiceIdle {
  /** The owner asked to keep it running: never stopped for idleness. */
  keepRunning: boolean;
  /** The idle time after which it is stopped; absent: never stopped. */
  afterMs?: number;
  /** When it will be stopped if nobody opens it before (ISO 8601). */
  stopsAt?: string;
  /** When idle stop scaled it to zero (ISO 8601); absent: not stopped. */
  stoppedAt?: string;
  /** How long it had been idle when it was stopped. */
  stoppedAfterMs?: number;
}

/** `PUT /api/knot/services/:name/keep-running`. */
export interface KnotKeepRunningRequest {
  keepRunning: boolean;
}

/**
 * A duration in the units people read: `8 h`, `45 min`, `1 h 30 min`,
 * `30 s` (rounded to the minute from one minute on).
 */
export function idleDurationWords(ms: number): string {
  if (ms < 60_000) return `${Math.max(0, Math.round(ms / 1000))} s`;
  const minutes = Math.round(ms / 60_000);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  if (hours >= 48 && rest === 0 && hours % 24 === 0) return `${hours / 24} d`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

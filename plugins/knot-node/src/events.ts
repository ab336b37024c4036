/**
 * The events topic the knot plugin publishes profile changes on (through
 * Backstage's EventsService): a user or team was added, approved, changed or
 * removed. The catalog module refreshes Users and Groups on it.
 */
export const KNOT_PROFILES_TOPIC = 'knot.profiles';

/** The payload of a {@link KNOT_PROFILES_TOPIC} event. */
export interface KnotProfileChange {
  /** What happened to the profile (`membership`: a team's members changed). */
  kind: 'created' | 'updated' | 'deleted' | 'membership';
  /** The user or team it happened to. */
  profile: string;
}

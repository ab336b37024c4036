import type { Entity } from '@backstage/catalog-model';
import { CHART_PROFILE_ANNOTATION } from './charts';
import { RELEASE_PROFILE_ANNOTATION } from './services';

/** The catalog entity providers the knot plugin feeds (`catalogModuleKnot`). */
export type KnotEntityProviderName = 'profiles' | 'templates' | 'releases';

/**
 * `GET /api/knot/catalog/entities/:provider` (service credentials only): the
 * whole current set of one provider's entities, as the knot plugin produces
 * them; the catalog module applies them as they are.
 */
export interface KnotCatalogEntities {
  items: Array<{ entity: Entity; locationKey: string }>;
}

/**
 * The annotation Knot's catalog module stamps on every entity when the
 * catalog processes it: who may see the entity. The profile of its
 * `knot/chart-profile` or `knot/profile` annotation, or
 * {@link EVERYONE_AUDIENCE} for an entity of no profile. Knot's permission
 * policy lets a user see the entities whose audience is everyone or one of
 * the profiles they may act as: one condition on one key, which the catalog
 * runs as a single index lookup instead of one per profile annotation and
 * acting profile. An entity not (yet) stamped is seen by admins only.
 */
export const AUDIENCE_ANNOTATION = 'knot/audience';

/** The audience of an entity of no profile: never a profile's name. */
export const EVERYONE_AUDIENCE = '*';

/**
 * The audience of an entity naming two different profiles (Knot never
 * makes one): admins only. Never a profile's name either.
 */
export const NOBODY_AUDIENCE = '!';

/**
 * The catalog permission rule (params `{ audiences: string[] }`) Knot's
 * catalog module installs: the entities whose {@link AUDIENCE_ANNOTATION}
 * is one of `audiences`.
 */
export const AUDIENCE_RULE = 'KNOT_AUDIENCE';

/** The annotations naming the profile a Knot entity belongs to. */
const PROFILE_ANNOTATIONS = [
  CHART_PROFILE_ANNOTATION,
  RELEASE_PROFILE_ANNOTATION,
];

/**
 * The audience of an entity with these annotations: as the catalog reads
 * them (keys and values without regard to case), the one profile its
 * profile annotations name, {@link EVERYONE_AUDIENCE} when they name none,
 * {@link NOBODY_AUDIENCE} when they name two.
 */
export function entityAudience(
  annotations: Record<string, string> | undefined,
): string {
  const profiles = new Set<string>();
  for (const [key, value] of Object.entries(annotations ?? {})) {
    if (PROFILE_ANNOTATIONS.includes(key.toLocaleLowerCase('en-US'))) {
      profiles.add(String(value).toLocaleLowerCase('en-US'));
    }
  }
  if (profiles.size === 0) return EVERYONE_AUDIENCE;
  return profiles.size === 1 ? [...profiles][0] : NOBODY_AUDIENCE;
}

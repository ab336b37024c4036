import type { Entity } from '@backstage/catalog-model';

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

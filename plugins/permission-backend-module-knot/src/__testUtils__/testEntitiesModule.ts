import { createBackendModule } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';

/**
 * A catalog module whose entity provider `id` puts `entities` into the
 * catalog, as Knot's catalog module does with its own.
 */
export function testEntitiesModule(id: string, entities: Entity[]) {
  return createBackendModule({
    pluginId: 'catalog',
    moduleId: id,
    register(reg) {
      reg.registerInit({
        deps: { catalog: catalogProcessingExtensionPoint },
        async init({ catalog }) {
          catalog.addEntityProvider({
            getProviderName: () => id,
            connect: async connection =>
              connection.applyMutation({
                type: 'full',
                entities: entities.map(entity => ({
                  entity,
                  locationKey: id,
                })),
              }),
          });
        },
      });
    },
  });
}

import { createHash } from 'node:crypto';
import type { DeferredEntity } from '@backstage/plugin-catalog-node';

/** What a provider remembers of an entity it applied: enough to remove it. */
export interface AppliedEntity {
  /** Hash of the entity and its location key: changed means re-send. */
  hash: string;
  /** The entity's envelope only (kind, namespace, name), as removals need. */
  removal: DeferredEntity;
}

/** The applied set of a provider, by entity ref. */
export type AppliedEntities = Map<string, AppliedEntity>;

/** `kind:namespace/name`, lower-cased as the catalog keys entities. */
function refOf({ entity }: DeferredEntity): string {
  const namespace = entity.metadata.namespace ?? 'default';
  return `${entity.kind}:${namespace}/${entity.metadata.name}`.toLowerCase();
}

/** The applied-set entries of `items` (what the catalog holds once applied). */
export function appliedEntities(items: DeferredEntity[]): AppliedEntities {
  return new Map(
    items.map(item => {
      const { entity, locationKey } = item;
      const hash = createHash('sha256')
        .update(JSON.stringify([entity, locationKey ?? null]))
        .digest('base64');
      const removal: DeferredEntity = {
        entity: {
          apiVersion: entity.apiVersion,
          kind: entity.kind,
          metadata: {
            name: entity.metadata.name,
            namespace: entity.metadata.namespace,
          },
        },
        locationKey,
      };
      return [refOf(item), { hash, removal }];
    }),
  );
}

/**
 * What changed from the applied set to the current one: the new and changed
 * entities, and the envelopes of those gone. A catalog of N users with 2N
 * releases changes a few entities per run; sending only those keeps each run
 * from re-hashing and re-checking every entity in one transaction.
 */
export function entityDelta(
  before: AppliedEntities,
  items: DeferredEntity[],
  now: AppliedEntities = appliedEntities(items),
): { added: DeferredEntity[]; removed: DeferredEntity[] } {
  const added = items.filter(item => {
    const ref = refOf(item);
    return before.get(ref)?.hash !== now.get(ref)!.hash;
  });
  const removed = [...before]
    .filter(([ref]) => !now.has(ref))
    .map(([, applied]) => applied.removal);
  return { added, removed };
}

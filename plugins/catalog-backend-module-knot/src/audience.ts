import type { Entity } from '@backstage/catalog-model';
import type { CatalogProcessor } from '@backstage/plugin-catalog-node';
import { catalogEntityPermissionResourceRef } from '@backstage/plugin-catalog-node/alpha';
import { createPermissionRule } from '@backstage/plugin-permission-node';
import {
  AUDIENCE_ANNOTATION,
  AUDIENCE_RULE,
  entityAudience,
} from '@knot-platform/plugin-knot-common';
import { z } from 'zod';

const lower = (s: string) => s.toLocaleLowerCase('en-US');

/** Whether an annotation key is the audience's, as the catalog's search reads keys (without regard to case). */
const isAudienceKey = (key: string) => lower(key) === AUDIENCE_ANNOTATION;

/**
 * Stamps {@link AUDIENCE_ANNOTATION} on every entity the catalog processes,
 * Knot's or not: computed from its profile annotations alone, replacing any
 * audience the entity came with (under any spelling of the key, since the
 * catalog's search reads keys without regard to case), so that no entity
 * can name its own audience. Last of the processors, so that it sees the
 * annotations the others leave.
 */
export class KnotAudienceProcessor implements CatalogProcessor {
  getProcessorName(): string {
    return 'KnotAudienceProcessor';
  }

  getPriority(): number {
    return 1000;
  }

  async postProcessEntity(entity: Entity): Promise<Entity> {
    const annotations = Object.fromEntries(
      Object.entries(entity.metadata.annotations ?? {}).filter(
        ([key]) => !isAudienceKey(key),
      ),
    );
    return {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: {
          ...annotations,
          [AUDIENCE_ANNOTATION]: entityAudience(annotations),
        },
      },
    };
  }
}

/**
 * The catalog permission rule of Knot's policy: the entities whose audience
 * (stamped by {@link KnotAudienceProcessor}) is one of `audiences`. In the
 * database one `EXISTS` on one search key with `value IN (...)`, which
 * PostgreSQL runs as a semi-join; an entity not stamped matches nothing.
 */
export const knotAudienceRule = createPermissionRule({
  name: AUDIENCE_RULE,
  description:
    "Allow entities whose Knot audience (the knot/audience annotation Knot's catalog module stamps) is one of the given",
  resourceRef: catalogEntityPermissionResourceRef,
  paramsSchema: z.object({
    audiences: z
      .array(z.string())
      .describe('Audiences: "*" (everyone) and profile names'),
  }),
  apply: (entity, { audiences }) => {
    const audience = Object.entries(entity.metadata.annotations ?? {}).find(
      ([key]) => isAudienceKey(key),
    )?.[1];
    return (
      audience !== undefined && audiences.map(lower).includes(lower(audience))
    );
  },
  toQuery: ({ audiences }) => ({
    key: `metadata.annotations.${AUDIENCE_ANNOTATION}`,
    values: audiences,
  }),
});

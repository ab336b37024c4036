import { mockServices } from '@backstage/backend-test-utils';
import type {
  DeferredEntity,
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { KnotEntityProvider } from './KnotEntityProvider';

type Entity = DeferredEntity['entity'];

const component = (name: string, owner = 'user:default/alice'): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, annotations: { 'knot/release': name } },
  spec: { type: 'service', lifecycle: 'production', owner },
});

const item = (entity: Entity) => ({
  entity,
  locationKey: 'knot-service-releases',
});

/** A provider over a set the test changes, with the mutations it applies. */
async function provider(options: { fullEveryMs?: number } = {}) {
  let items: ReturnType<typeof item>[] = [];
  let clock = 0;
  let failNext = false;
  const mutations: EntityProviderMutation[] = [];
  const connection: EntityProviderConnection = {
    applyMutation: async mutation => {
      if (failNext) {
        failNext = false;
        throw new Error('database unavailable');
      }
      mutations.push(mutation);
    },
    refresh: async () => {},
  };
  const p = new KnotEntityProvider({
    name: 'knot-service-releases',
    entities: 'releases',
    knot: { catalogEntities: async () => ({ items }) },
    logger: mockServices.logger.mock(),
    now: () => clock,
    ...options,
  });
  await p.connect(connection);
  return {
    provider: p,
    mutations,
    set: (entities: Entity[]) => {
      items = entities.map(item);
    },
    advance: (ms: number) => {
      clock += ms;
    },
    failNextMutation: () => {
      failNext = true;
    },
  };
}

const names = (entities: DeferredEntity[]) =>
  entities.map(e => e.entity.metadata.name);

describe('KnotEntityProvider', () => {
  it('replaces the whole set once, then applies nothing while nothing changes', async () => {
    const t = await provider();
    t.set([component('a'), component('b')]);
    expect(await t.provider.refresh()).toBe(2);
    expect(t.mutations).toEqual([
      { type: 'full', entities: [item(component('a')), item(component('b'))] },
    ]);

    // 2N release Components every 20 s: no mutation at all when none changed.
    await t.provider.refresh();
    await t.provider.refresh();
    expect(t.mutations).toHaveLength(1);
  });

  it('applies only the added, changed and removed entities as a delta', async () => {
    const t = await provider();
    t.set([component('a'), component('b'), component('c')]);
    await t.provider.refresh();
    t.set([
      component('a'),
      component('b', 'group:default/lab'),
      component('d'),
    ]);
    await t.provider.refresh();
    expect(t.mutations).toHaveLength(2);
    const delta = t.mutations[1];
    if (delta.type !== 'delta') throw new Error(`a ${delta.type} mutation`);
    expect(names(delta.added)).toEqual(['b', 'd']);
    expect(delta.added[0].entity.spec?.owner).toBe('group:default/lab');
    // The catalog finds what to remove by the envelope and location key.
    expect(delta.removed).toEqual([
      {
        entity: {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'c', namespace: undefined },
        },
        locationKey: 'knot-service-releases',
      },
    ]);
  });

  it('replaces the whole set again every 10 minutes and after a failed mutation', async () => {
    const t = await provider();
    t.set([component('a')]);
    await t.provider.refresh();
    t.advance(9 * 60_000);
    t.set([component('a'), component('b')]);
    await t.provider.refresh();
    t.advance(60_000);
    await t.provider.refresh();
    expect(t.mutations.map(m => m.type)).toEqual(['full', 'delta', 'full']);

    // Whether a failed mutation was applied is unknown: the next run is full.
    t.set([component('a')]);
    t.failNextMutation();
    await expect(t.provider.refresh()).rejects.toThrow('database unavailable');
    await t.provider.refresh();
    expect(t.mutations.map(m => m.type)).toEqual([
      'full',
      'delta',
      'full',
      'full',
    ]);
  });

  it('runs refreshes one after another, each on the set the last applied', async () => {
    const t = await provider();
    t.set([component('a')]);
    await Promise.all([t.provider.refresh(), t.provider.refresh()]);
    expect(t.mutations.map(m => m.type)).toEqual(['full']);
  });
});

import type { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import {
  DatashimDatasets,
  SHARED_DATASET_LABEL,
  s3DatasetObject,
} from './DatashimDatasets';
import { SharedDatasets, type SharedDatasetConfig } from './SharedDatasets';

const common: SharedDatasetConfig = {
  name: 'common',
  endpoint: 'https://s3.example.org',
  bucket: 'data',
  prefix: '',
  region: '',
  accessKey: 'AK',
  secretKey: 'SK',
};

/** Datasets as the API server would hold them, counting the lists. */
class CountingDatasets {
  namespaceLists = 0;
  clusterLists = 0;
  constructor(private readonly items: any[]) {}
  async apiGroup() {
    return 'datashim.io' as const;
  }
  async listObjects(namespace: string) {
    this.namespaceLists++;
    return this.items.filter(i => i.metadata.namespace === namespace);
  }
  async listSharedEverywhere() {
    this.clusterLists++;
    return this.items.filter(
      i => i.metadata.labels?.[SHARED_DATASET_LABEL] === 'true',
    );
  }
}

describe('SharedDatasets', () => {
  const namespaces = Array.from({ length: 200 }, (_, i) => `knot-user${i}`);
  const inLine = namespaces.map(namespace =>
    s3DatasetObject(
      'datashim.io',
      namespace,
      { ...common, readOnly: true },
      {
        [SHARED_DATASET_LABEL]: 'true',
      },
    ),
  );

  it('asks the API server once per pass, not once per namespace, when every namespace is in line', async () => {
    const datasets = new CountingDatasets(inLine);
    const shared = new SharedDatasets(
      {} as KubernetesClientFactory,
      [common],
      datasets as unknown as DatashimDatasets,
    );
    const observed = await shared.observe();
    for (const namespace of namespaces) {
      expect(await shared.reconcile(namespace, namespace, observed)).toEqual(
        [],
      );
    }
    expect(datasets.clusterLists).toBe(1);
    expect(datasets.namespaceLists).toBe(0);
  });

  it('looks into a namespace only when it lacks the shared dataset', async () => {
    const datasets = new CountingDatasets(inLine.slice(1));
    const shared = new SharedDatasets(
      {} as KubernetesClientFactory,
      [common],
      datasets as unknown as DatashimDatasets,
    );
    const observed = await shared.observe();
    // The user's own dataset of that name is never replaced.
    (datasets as any).items.push(
      s3DatasetObject('datashim.io', namespaces[0], {
        ...common,
        readOnly: false,
      }),
    );
    const actions = await shared.reconcile(
      namespaces[0],
      namespaces[0],
      observed,
    );
    expect(actions).toEqual([
      expect.objectContaining({
        action: 'failed',
        detail: 'the profile has its own dataset of this name',
      }),
    ]);
    expect(datasets.namespaceLists).toBe(1);
  });
});

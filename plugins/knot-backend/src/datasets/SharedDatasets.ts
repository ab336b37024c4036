import type { ProvisioningAction } from '@knot-platform/plugin-knot-common';
import type { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import type { S3DatasetInput } from './datasetInput';
import {
  DatashimDatasets,
  SHARED_DATASET_LABEL,
  s3DatasetObject,
  s3SecretObject,
} from './DatashimDatasets';

/** An admin's dataset for every profile (`knot.datasets.shared`): read-only. */
export type SharedDatasetConfig = Omit<S3DatasetInput, 'readOnly'>;

const SHARED_LABELS = { [SHARED_DATASET_LABEL]: 'true' };

/** The shared Datasets of every namespace, listed once for a whole pass. */
export type SharedDatasetsObserved = Map<string, any[]>;

/** The spec Knot wants, to compare with what is there. */
function wantedLocal(group: string, namespace: string, d: SharedDatasetConfig) {
  return s3DatasetObject(group as any, namespace, { ...d, readOnly: true }).spec
    .local;
}

/**
 * Keeps the admin's shared datasets in a profile namespace: creates the
 * missing ones (Secret and read-only Dataset, marked shared), replaces
 * changed ones, deletes shared ones the config no longer lists. Users'
 * own datasets are never touched (they carry no shared label).
 */
export class SharedDatasets {
  private readonly datasets: DatashimDatasets;

  constructor(
    private readonly kubernetes: KubernetesClientFactory,
    private readonly shared: SharedDatasetConfig[],
    datasets?: DatashimDatasets,
  ) {
    this.datasets = datasets ?? new DatashimDatasets(kubernetes);
  }

  /**
   * Lists the shared Datasets of all namespaces at once, so that a pass over
   * every profile asks the API server once instead of once per namespace.
   */
  async observe(): Promise<SharedDatasetsObserved | undefined> {
    if (!(await this.datasets.apiGroup())) return undefined;
    const observed: SharedDatasetsObserved = new Map();
    for (const item of await this.datasets.listSharedEverywhere()) {
      const namespace = item.metadata?.namespace as string;
      const inNamespace = observed.get(namespace) ?? [];
      if (!inNamespace.some(i => i.metadata?.name === item.metadata?.name)) {
        inNamespace.push(item);
      }
      observed.set(namespace, inNamespace);
    }
    return observed;
  }

  /**
   * Brings one namespace in line with the config. With `observed` (from
   * `observe`), a namespace already in line costs no request.
   */
  async reconcile(
    profile: string,
    namespace: string,
    observed?: SharedDatasetsObserved,
  ): Promise<ProvisioningAction[]> {
    const group = await this.datasets.apiGroup();
    // Without Datashim there is nothing to keep (the page says so).
    if (!group) return [];
    const actions: ProvisioningAction[] = [];
    let live: any[] | undefined = observed
      ? undefined
      : await this.datasets.listObjects(namespace);
    const liveShared = observed
      ? observed.get(namespace) ?? []
      : live!.filter(
          i => i.metadata?.labels?.[SHARED_DATASET_LABEL] === 'true',
        );
    const wanted = new Map(this.shared.map(d => [d.name, d]));
    const act = (
      name: string,
      action: ProvisioningAction['action'],
      detail?: string,
    ) =>
      actions.push({
        profile,
        kind: 'Dataset',
        name: `${namespace}/${name}`,
        action,
        detail,
      });

    for (const item of liveShared) {
      const name = item.metadata.name as string;
      const d = wanted.get(name);
      const same =
        d &&
        JSON.stringify(item.spec?.local ?? {}) ===
          JSON.stringify(wantedLocal(group, namespace, d));
      if (same) continue;
      try {
        await this.datasets.delete(namespace, item);
        if (!d) act(name, 'deleted', 'no longer shared by the admin');
      } catch (error) {
        act(name, 'failed', (error as Error).message);
      }
    }
    for (const d of this.shared) {
      const current = liveShared.find(i => i.metadata?.name === d.name);
      const unchanged =
        current &&
        JSON.stringify(current.spec?.local ?? {}) ===
          JSON.stringify(wantedLocal(group, namespace, d));
      if (unchanged) continue;
      // Something to create: only now look for a user's own of that name.
      live ??= await this.datasets.listObjects(namespace);
      const existing = live.find(i => i.metadata?.name === d.name);
      const isShared =
        existing?.metadata?.labels?.[SHARED_DATASET_LABEL] === 'true';
      if (existing && !isShared) {
        act(d.name, 'failed', 'the profile has its own dataset of this name');
        continue;
      }
      try {
        await this.createShared(group, namespace, d);
        act(
          d.name,
          current || existing ? 'updated' : 'created',
          'shared by the admin',
        );
      } catch (error) {
        act(d.name, 'failed', (error as Error).message);
      }
    }
    return actions;
  }

  private async createShared(
    group: string,
    namespace: string,
    d: SharedDatasetConfig,
  ) {
    const core = await this.kubernetes.makeClient(lib => lib.CoreV1Api);
    const custom = await this.kubernetes.makeClient(
      lib => lib.CustomObjectsApi,
    );
    const secret = s3SecretObject(namespace, d, SHARED_LABELS);
    await core
      .deleteNamespacedSecret({ name: secret.metadata.name, namespace })
      .catch(() => {});
    await core.createNamespacedSecret({ namespace, body: secret });
    await custom.createNamespacedCustomObject({
      group,
      version: 'v1alpha1',
      namespace,
      plural: 'datasets',
      body: s3DatasetObject(
        group as any,
        namespace,
        { ...d, readOnly: true },
        SHARED_LABELS,
      ),
    });
  }
}

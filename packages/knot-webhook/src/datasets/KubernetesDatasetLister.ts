import type * as k8s from '@kubernetes/client-node';
import { DATASET_API_GROUPS } from '@knot-platform/plugin-knot-common';
import type { DatasetLister } from './DatasetLister';
import { loadClientNode } from './loadClientNode';

type Entry = { at: number; names: Promise<string[]> };

/**
 * Lists Dataset objects through the API server, both groups, and keeps each
 * namespace's answer for a short while: a Deployment's creation asks for the
 * same namespace several times (Deployment, ReplicaSet, Pods).
 */
export class KubernetesDatasetLister implements DatasetLister {
  private readonly cache = new Map<string, Entry>();
  private readonly lastGood = new Map<string, string[]>();

  constructor(
    private readonly api: k8s.CustomObjectsApi,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  static fromKubeconfig(kubeconfig: string | undefined, ttlMs: number) {
    const lib = loadClientNode();
    const kc = new lib.KubeConfig();
    if (kubeconfig) kc.loadFromFile(kubeconfig);
    else kc.loadFromDefault();
    return new KubernetesDatasetLister(
      kc.makeApiClient(lib.CustomObjectsApi),
      ttlMs,
    );
  }

  list(namespace: string): Promise<string[]> {
    const cached = this.cache.get(namespace);
    if (cached && this.now() - cached.at < this.ttlMs) {
      return cached.names;
    }
    const names = this.fetch(namespace).then(
      found => {
        this.lastGood.set(namespace, found);
        return found;
      },
      error => {
        this.cache.delete(namespace);
        // A brief API hiccup should not block every pod: reuse the last answer.
        const stale = this.lastGood.get(namespace);
        if (stale) return stale;
        throw error;
      },
    );
    this.cache.set(namespace, { at: this.now(), names });
    if (this.cache.size > 10000) this.cache.clear();
    return names;
  }

  private async fetch(namespace: string): Promise<string[]> {
    const lists = await Promise.all(
      DATASET_API_GROUPS.map(async group => {
        try {
          const body: any = await this.api.listNamespacedCustomObject({
            group,
            version: 'v1alpha1',
            namespace,
            plural: 'datasets',
          });
          return (body?.items ?? []).map((item: any) =>
            String(item?.metadata?.name ?? ''),
          );
        } catch (error: any) {
          // The CRD of this group is not installed.
          if (error?.code === 404) return [];
          throw error;
        }
      }),
    );
    return [...new Set(lists.flat().filter(Boolean))];
  }
}

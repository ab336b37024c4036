import type * as k8s from '@kubernetes/client-node';
import {
  DATASET_API_GROUPS,
  datasetProvisionStatus,
} from '@knot-platform/plugin-knot-common';
import type { DatasetLister } from './DatasetLister';
import { loadClientNode } from './loadClientNode';

type ByNamespace = Map<string, string[]>;
type Snapshot = { at: number; byNamespace: Promise<ByNamespace> };

/**
 * Lists Dataset objects through the API server, both groups, for all
 * namespaces at once, and answers every namespace from that list for a
 * short while. A per-namespace list made pods of many namespaces wait on
 * the API server one by one (bench/scale's pod storm: the mutate webhook's
 * own p50 over 1 s, half the creations timed out), while the API server
 * waited on the webhook. From half the cache time on, the list is renewed
 * in the background, so that steady traffic never waits for it; past the
 * cache time an answer waits for a fresh list, so a Dataset is never missed
 * for longer than today's cache time.
 */
export class KubernetesDatasetLister implements DatasetLister {
  private snapshot?: Snapshot;
  private renewing = false;
  private lastGood?: ByNamespace;

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

  async list(namespace: string): Promise<string[]> {
    const now = this.now();
    let snapshot = this.snapshot;
    if (!snapshot || now - snapshot.at >= this.ttlMs) {
      snapshot = this.renew(now);
    } else if (now - snapshot.at >= this.ttlMs / 2) {
      this.renewInBackground(now);
    }
    return (await snapshot.byNamespace).get(namespace) ?? [];
  }

  /**
   * Renews the list every half cache time whether pods come or not, so that
   * the first pods of a burst after a quiet spell do not wait for it either
   * (bench/scale's pod storm: they made the mutate webhook's p99). One list
   * per API group per half cache time; answers the function that stops it.
   */
  keepFresh(): () => void {
    const timer = setInterval(
      () => this.renewInBackground(this.now()),
      Math.max(this.ttlMs / 2, 100),
    );
    timer.unref?.();
    this.renewInBackground(this.now());
    return () => clearInterval(timer);
  }

  /** A fresh list that every caller until it ends shares. */
  private renew(now: number): Snapshot {
    const snapshot: Snapshot = {
      at: now,
      byNamespace: this.fetch().catch(error => {
        if (this.snapshot === snapshot) this.snapshot = undefined;
        // A brief API hiccup should not block every pod: reuse the last answer.
        if (this.lastGood) return this.lastGood;
        throw error;
      }),
    };
    this.snapshot = snapshot;
    return snapshot;
  }

  private renewInBackground(now: number) {
    if (this.renewing) return;
    this.renewing = true;
    const byNamespace = this.fetch();
    byNamespace.then(
      () => {
        this.renewing = false;
        // Unless a newer list came meanwhile (a caller past the cache time).
        if (!this.snapshot || this.snapshot.at <= now) {
          this.snapshot = { at: now, byNamespace };
        }
      },
      () => {
        // The current list stays until its time is up; then a caller retries.
        this.renewing = false;
      },
    );
  }

  private async fetch(): Promise<ByNamespace> {
    const lists = await Promise.all(
      DATASET_API_GROUPS.map(async group => {
        try {
          const body: any = await this.api.listClusterCustomObject({
            group,
            version: 'v1alpha1',
            plural: 'datasets',
          });
          return (body?.items ?? []) as any[];
        } catch (error: any) {
          // The CRD of this group is not installed.
          if (error?.code === 404) return [];
          throw error;
        }
      }),
    );
    const byNamespace: ByNamespace = new Map();
    for (const item of lists.flat()) {
      const namespace = String(item?.metadata?.namespace ?? '');
      const name = String(item?.metadata?.name ?? '');
      // Datashim gave up on it: its claim never comes, and every pod of the
      // namespace would wait on it. A pending one is mounted (its pods wait
      // for the claim the operator is about to make).
      if (!namespace || !name || datasetProvisionStatus(item) === 'error') {
        continue;
      }
      const names = byNamespace.get(namespace) ?? [];
      if (!names.includes(name)) names.push(name);
      byNamespace.set(namespace, names);
    }
    this.lastGood = byNamespace;
    return byNamespace;
  }
}

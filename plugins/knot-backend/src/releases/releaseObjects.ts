import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import type { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import { INSTANCE_LABEL, type WorkloadCounts } from './releaseStatus';
import { eventTime, isReady } from './serviceHealth';

/** What the cluster holds of one release: its counts, pods and events. */
export interface ReleaseObjects {
  counts: WorkloadCounts;
  pods: V1Pod[];
  /** Events of its pods, ReplicaSets, Deployments, StatefulSets, PVCs; newest first. */
  events: CoreV1Event[];
}

/**
 * The objects of every release of a namespace, in one list per kind (never
 * one per release): Deployments, StatefulSets, ReplicaSets, pods and events.
 * Desired replicas come from the workloads, ready ones from the pods
 * themselves (a workload's status lags behind its pods when the controller
 * manager is busy). An event belongs to a release when it is about one of
 * its objects, or about a claim one of its pods mounts.
 */
export async function releaseObjects(
  kubernetes: KubernetesClientFactory,
  namespace: string,
  options: { events: boolean } = { events: true },
): Promise<Map<string, ReleaseObjects>> {
  const apps = await kubernetes.makeClient(lib => lib.AppsV1Api);
  const core = await kubernetes.makeClient(lib => lib.CoreV1Api);
  const labelSelector = INSTANCE_LABEL;
  const [deployments, statefulSets, replicaSets, pods, events] =
    await Promise.all([
      apps.listNamespacedDeployment({ namespace, labelSelector }),
      apps.listNamespacedStatefulSet({ namespace, labelSelector }),
      apps.listNamespacedReplicaSet({ namespace, labelSelector }),
      core.listNamespacedPod({ namespace, labelSelector }),
      options.events
        ? core.listNamespacedEvent({ namespace })
        : Promise.resolve({ items: [] as CoreV1Event[] }),
    ]);
  const byRelease = new Map<string, ReleaseObjects>();
  const entry = (release: string) => {
    const e = byRelease.get(release) ?? {
      counts: { desired: 0, ready: 0 },
      pods: [],
      events: [],
    };
    byRelease.set(release, e);
    return e;
  };
  /** `Kind/name` → release. */
  const owner = new Map<string, string>();
  const own = (
    kind: string,
    o: { metadata?: { name?: string; labels?: Record<string, string> } },
  ) => {
    const release = o.metadata?.labels?.[INSTANCE_LABEL];
    if (release && o.metadata?.name) {
      owner.set(`${kind}/${o.metadata.name}`, release);
    }
    return release;
  };
  for (const w of deployments.items) {
    const release = own('Deployment', w);
    if (release) entry(release).counts.desired += w.spec?.replicas ?? 1;
  }
  for (const w of statefulSets.items) {
    const release = own('StatefulSet', w);
    if (release) entry(release).counts.desired += w.spec?.replicas ?? 1;
  }
  for (const r of replicaSets.items) own('ReplicaSet', r);
  for (const pod of pods.items) {
    const release = own('Pod', pod);
    if (!release) continue;
    const e = entry(release);
    e.pods.push(pod);
    if (isReady(pod) && !pod.metadata?.deletionTimestamp) e.counts.ready += 1;
    for (const v of pod.spec?.volumes ?? []) {
      const claim = v.persistentVolumeClaim?.claimName;
      if (claim) owner.set(`PersistentVolumeClaim/${claim}`, release);
    }
  }
  for (const event of events.items) {
    const o = event.involvedObject;
    const release = owner.get(`${o?.kind}/${o?.name}`);
    if (release) entry(release).events.push(event);
  }
  for (const e of byRelease.values()) {
    e.events.sort((a, b) => eventTime(b) - eventTime(a));
  }
  return byRelease;
}

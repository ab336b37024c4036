import type { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import { INSTANCE_LABEL } from '../releases/releaseStatus';

/**
 * Which services (helm releases, else the pod's name) of a namespace mount
 * each claim now: the webhook gives every pod a volume per Dataset, claimed
 * by the Dataset's name.
 */
export async function servicesByClaim(
  kubernetes: KubernetesClientFactory,
  namespace: string,
): Promise<Map<string, string[]>> {
  const core = await kubernetes.makeClient(lib => lib.CoreV1Api);
  const pods = await core.listNamespacedPod({ namespace });
  const byClaim = new Map<string, Set<string>>();
  for (const pod of pods.items) {
    if (pod.metadata?.deletionTimestamp) continue;
    const service =
      pod.metadata?.labels?.[INSTANCE_LABEL] ?? pod.metadata?.name ?? '';
    for (const volume of pod.spec?.volumes ?? []) {
      const claim = volume.persistentVolumeClaim?.claimName;
      if (!claim) continue;
      const services = byClaim.get(claim) ?? new Set<string>();
      services.add(service);
      byClaim.set(claim, services);
    }
  }
  return new Map([...byClaim].map(([claim, s]) => [claim, [...s].sort()]));
}

import type { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import type { ServiceHealth } from './serviceHealth';
import { KUBELET_RUN_GONE } from './serviceLogs';

const TAIL_LINES = 5;

/**
 * A crashing container's reason with the last lines it printed before it
 * exited (its previous run), read with the pod log API's tailLines: one
 * small request per crashing release only. Logs that cannot be read (the
 * node is gone, a kwok pod) leave the reason as it is.
 */
export async function withCrashLogLines(
  kubernetes: KubernetesClientFactory,
  namespace: string,
  health: ServiceHealth | undefined,
): Promise<ServiceHealth | undefined> {
  if (!health?.crashed) return health;
  try {
    const core = await kubernetes.makeClient(lib => lib.CoreV1Api);
    const log = await core.readNamespacedPodLog({
      name: health.crashed.pod,
      namespace,
      container: health.crashed.container,
      previous: health.crashed.previous,
      tailLines: TAIL_LINES,
      limitBytes: 2048,
    });
    const lines = String(log ?? '')
      .split('\n')
      .map(l => l.trimEnd())
      .filter(Boolean);
    if (lines.length === 0 || KUBELET_RUN_GONE.test(String(log).trim())) {
      return health;
    }
    return {
      ...health,
      reason: `${health.reason}; last output: ${lines.join(' | ')}`,
    };
  } catch {
    return health;
  }
}

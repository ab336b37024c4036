import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';

/**
 * Why a release's pods do not run, in words a person understands, from its
 * pods (conditions, container statuses) and the events of its pods,
 * ReplicaSets, Deployments and StatefulSets. The first cause found, in the
 * order a person would want to fix them: nothing can start until the quota
 * allows a pod, a node fits it and its volume is bound; then the image, then
 * the program itself.
 */
export interface ServiceHealth {
  /** `Failed`: stuck until someone acts; `Starting`: may still come up. */
  state: 'Starting' | 'Failed';
  reason: string;
  /** The crashing container, whose last log lines say why. */
  crashed?: { pod: string; container: string; previous: boolean };
}

const failed = (reason: string): ServiceHealth => ({ state: 'Failed', reason });
const starting = (reason: string): ServiceHealth => ({
  state: 'Starting',
  reason,
});

export function serviceHealth(
  pods: V1Pod[],
  events: CoreV1Event[],
  profile: string,
): ServiceHealth | undefined {
  const warnings = [...events]
    .filter(e => e.type === 'Warning')
    .sort((a, b) => eventTime(b) - eventTime(a));
  const live = pods.filter(p => !p.metadata?.deletionTimestamp);

  const quota = warnings.find(
    e => e.reason === 'FailedCreate' && /exceeded quota/.test(e.message ?? ''),
  );
  // A quota refusal is only current while no pod was created since.
  if (quota && live.length === 0) {
    return failed(overQuota(quota.message!, profile));
  }

  for (const pod of live) {
    const scheduled = pod.status?.conditions?.find(
      c => c.type === 'PodScheduled',
    );
    if (pod.status?.phase === 'Pending' && scheduled?.status === 'False') {
      const message =
        scheduled.message ||
        warnings.find(
          e =>
            e.reason === 'FailedScheduling' &&
            e.involvedObject?.name === pod.metadata?.name,
        )?.message ||
        '';
      return unschedulable(message, pod);
    }
  }

  for (const pod of live) {
    const statuses = [
      ...(pod.status?.initContainerStatuses ?? []),
      ...(pod.status?.containerStatuses ?? []),
    ];
    for (const c of statuses) {
      const waiting = c.state?.waiting;
      if (
        waiting &&
        /^(ErrImagePull|ImagePullBackOff|InvalidImageName)$/.test(
          waiting.reason ?? '',
        )
      ) {
        return failed(
          `image ${c.image} cannot be pulled: ${pullReason(
            waiting.message ?? '',
          )}`,
        );
      }
    }
  }

  for (const pod of live) {
    for (const c of pod.status?.containerStatuses ?? []) {
      const waiting = c.state?.waiting;
      // Between two back-offs the container shows as terminated.
      const crashed =
        waiting?.reason === 'CrashLoopBackOff' ||
        (c.restartCount > 0 &&
          !!c.state?.terminated &&
          c.state.terminated.exitCode !== 0);
      if (crashed) {
        const exit =
          c.state?.terminated?.exitCode ?? c.lastState?.terminated?.exitCode;
        return {
          ...failed(
            exit === undefined
              ? `keeps crashing (container ${c.name})`
              : `keeps crashing: exit code ${exit} (container ${c.name})`,
          ),
          crashed: {
            pod: pod.metadata?.name ?? '',
            container: c.name,
            // Its last run: the current container while it lies terminated,
            // else the previous one.
            previous: !c.state?.terminated,
          },
        };
      }
      if (
        waiting?.reason === 'CreateContainerConfigError' ||
        waiting?.reason === 'CreateContainerError'
      ) {
        return failed(
          `container ${c.name} cannot be created: ${
            waiting.message ?? waiting.reason
          }`,
        );
      }
    }
  }

  for (const pod of live) {
    if (pod.status?.phase !== 'Running') continue;
    const notReady = (pod.status.containerStatuses ?? []).find(
      c => c.started && !c.ready,
    );
    if (notReady) {
      const probe = warnings.find(
        e =>
          e.reason === 'Unhealthy' &&
          e.involvedObject?.name === pod.metadata?.name &&
          /^Readiness probe failed/.test(e.message ?? ''),
      );
      return starting(
        probe
          ? `not ready yet: ${firstLine(probe.message!)}`
          : `not ready yet (container ${notReady.name})`,
      );
    }
  }

  if (quota && !live.some(isReady)) {
    return failed(overQuota(quota.message!, profile));
  }
  return undefined;
}

export function isReady(pod: V1Pod): boolean {
  return !!pod.status?.conditions?.some(
    c => c.type === 'Ready' && c.status === 'True',
  );
}

/** When an event last happened, in ms since the epoch (0 if unknown). */
export function eventTime(e: CoreV1Event): number {
  const t =
    e.lastTimestamp ??
    e.series?.lastObservedTime ??
    e.eventTime ??
    e.firstTimestamp ??
    e.metadata?.creationTimestamp;
  return t ? new Date(t as unknown as string).getTime() : 0;
}

/**
 * `pods "web-5d9-x" is forbidden: exceeded quota: compute, requested:
 * requests.cpu=2, used: requests.cpu=0, limited: requests.cpu=100m`.
 */
function overQuota(message: string, profile: string): string {
  const m = message.match(
    /requested: ([^,]+(?:,[^,:]+=[^,]+)*), used: ([^,]+(?:,[^,:]+=[^,]+)*), limited: (.+)$/,
  );
  if (!m) return `over the quota of ${profile}`;
  return `over the quota of ${profile}: needs ${m[1]}, uses ${
    m[2]
  } of ${m[3].trim()}`;
}

/**
 * The scheduler's `0/1 nodes are available: 1 Insufficient cpu. preemption:
 * …` in plain words.
 */
function unschedulable(message: string, pod: V1Pod): ServiceHealth {
  if (/unbound (immediate )?PersistentVolumeClaims/i.test(message)) {
    const claims = (pod.spec?.volumes ?? [])
      .map(v => v.persistentVolumeClaim?.claimName)
      .filter((n): n is string => !!n);
    return starting(`waiting for volume ${claims.join(', ') || '(unknown)'}`);
  }
  const resources = [
    ...new Set(
      [...message.matchAll(/Insufficient ([\w./-]*\w)/g)].map(m => m[1]),
    ),
  ];
  if (resources.length > 0) {
    const requests = podRequests(pod);
    return failed(
      `no node has ${resources
        .map(r =>
          requests[r]
            ? `${requests[r]} ${resourceWord(r)}`
            : `enough ${resourceWord(r)}`,
        )
        .join(' and ')} free`,
    );
  }
  if (/didn't match Pod's node affinity|node\(s\) didn't match/.test(message)) {
    return failed('no node matches where it must run');
  }
  if (/untolerated taint/.test(message)) {
    return failed('no node accepts it (taints)');
  }
  if (message) {
    return failed(`cannot be placed on a node: ${firstLine(message)}`);
  }
  return starting('waiting for a node');
}

/** The API server writes 1000 CPUs as `1k`: a person counts them. */
function plainQuantity(resource: string, value: string): string {
  const m = value.match(/^(\d+(?:\.\d+)?)(k|M|m)?$/);
  if (resource !== 'cpu' || !m) return value;
  const factor = { k: 1000, M: 1_000_000, m: 0.001 }[m[2] ?? ''] ?? 1;
  return String(Number(m[1]) * factor);
}

function resourceWord(resource: string): string {
  if (resource === 'cpu') return 'CPU';
  if (resource === 'memory') return 'memory';
  if (resource === 'nvidia.com/gpu') return 'GPU';
  return resource;
}

/** The sum of a pod's container requests, as written (`1000`, `2Gi`). */
function podRequests(pod: V1Pod): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of pod.spec?.containers ?? []) {
    for (const [k, v] of Object.entries(c.resources?.requests ?? {})) {
      const q = plainQuantity(k, String(v));
      out[k] = out[k] ? `${out[k]}+${q}` : q;
    }
  }
  return out;
}

/** The short end of the kubelet's pull error. */
function pullReason(message: string): string {
  if (/not found|manifest unknown/i.test(message)) return 'not found';
  if (/unauthorized|authentication required|denied/i.test(message)) {
    return 'access denied';
  }
  if (/no such host|dial tcp|connection refused|i\/o timeout/i.test(message)) {
    return 'registry unreachable';
  }
  if (/Back-off pulling image/.test(message)) return 'pull keeps failing';
  return firstLine(message) || 'pull failed';
}

function firstLine(s: string): string {
  return s.split('\n')[0].slice(0, 300);
}

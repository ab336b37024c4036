import type {
  CoreV1Event,
  V1ContainerStateTerminated,
  V1Pod,
} from '@kubernetes/client-node';
import {
  describeAmount,
  humanAmount,
  requirement,
  toMilli,
} from '../quotaFit/quantities';

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
    e =>
      e.reason === 'FailedCreate' &&
      /exceeded quota|failed quota/.test(e.message ?? ''),
  );
  // A quota refusal is only current while no pod was created since.
  if (quota && live.length === 0) {
    return failed(quotaRefusal(quota.message!, profile));
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
    // An init container that keeps failing holds the pod in Init: too.
    for (const c of [
      ...(pod.status?.initContainerStatuses ?? []),
      ...(pod.status?.containerStatuses ?? []),
    ]) {
      const waiting = c.state?.waiting;
      // Between two back-offs the container shows as terminated.
      const crashed =
        waiting?.reason === 'CrashLoopBackOff' ||
        (c.restartCount > 0 &&
          !!c.state?.terminated &&
          c.state.terminated.exitCode !== 0);
      if (crashed) {
        const last = c.state?.terminated ?? c.lastState?.terminated;
        return {
          ...failed(crashReason(c.name, last, containerLimit(pod, c.name))),
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

  // The kubelet cannot mount a volume (a missing ConfigMap, Secret or
  // claim): the container waits in ContainerCreating, saying nothing.
  for (const pod of live) {
    const mount = warnings.find(
      e =>
        (e.reason === 'FailedMount' || e.reason === 'FailedAttachVolume') &&
        e.involvedObject?.name === pod.metadata?.name,
    );
    const creating = [
      ...(pod.status?.initContainerStatuses ?? []),
      ...(pod.status?.containerStatuses ?? []),
    ].some(c =>
      /^(ContainerCreating|PodInitializing)$/.test(
        c.state?.waiting?.reason ?? '',
      ),
    );
    if (mount && creating && pod.status?.phase === 'Pending') {
      return starting(mountReason(mount.message ?? ''));
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
    return failed(quotaRefusal(quota.message!, profile));
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

function quotaRefusal(message: string, profile: string): string {
  return /must specify/.test(message)
    ? undeclared(message, profile)
    : overQuota(message, profile);
}

/**
 * `pods "web-5d9-x" is forbidden: exceeded quota: compute, requested:
 * requests.cpu=2, used: requests.cpu=3, limited: requests.cpu=4` in the fit
 * check's words: "needs 2 CPU, 1 CPU free of 4".
 */
function overQuota(message: string, profile: string): string {
  const m = message.match(/requested: (.*), used: (.*), limited: (.*)$/);
  if (!m) return `over the quota of ${profile}`;
  const [requested, used, limited] = m.slice(1).map(quantities);
  const needs = [...requested].map(([resource, need]) => {
    const hard = limited.get(resource);
    if (need === undefined || hard === undefined) {
      return `needs ${resource}=${need ?? '?'}`;
    }
    const free = Math.max(hard - (used.get(resource) ?? 0), 0);
    return `needs ${describeAmount(resource, need)}, ${describeAmount(
      resource,
      free,
    )} free of ${humanAmount(resource, hard)}`;
  });
  return `over the quota of ${profile}: ${needs.join('; ')}`;
}

/** `requests.cpu=2,pods=1` → resource → milli-units. */
function quantities(list: string): Map<string, number | undefined> {
  return new Map(
    list
      .split(',')
      .map(pair => pair.trim().split('='))
      .filter(([name]) => !!name)
      .map(([name, value]) => [name, toMilli(value ?? '')]),
  );
}

/**
 * `failed quota: compute: must specify limits.memory for: web; requests.cpu
 * for: web,sidecar`: the quota counts a resource some container does not
 * declare, so the API server refuses the pod.
 */
function undeclared(message: string, profile: string): string {
  const m = message.match(/must specify (.*)$/);
  const parts = (m?.[1] ?? '').split(';').flatMap(part => {
    const [, resources, containers] =
      part.trim().match(/^(\S+) for: (.+)$/) ?? [];
    return resources
      ? [
          `${resources.split(',').map(requirement).join(' and ')} (${containers
            .split(',')
            .join(', ')} set${containers.includes(',') ? '' : 's'} none)`,
        ]
      : [];
  });
  return parts.length
    ? `refused by the quota of ${profile}: every container must set ${parts.join(
        '; ',
      )}`
    : `refused by the quota of ${profile}`;
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

/**
 * A crashed container's last run: out of memory with its limit, else its
 * exit code.
 */
function crashReason(
  container: string,
  last: V1ContainerStateTerminated | undefined,
  memoryLimit: string | undefined,
): string {
  if (last?.reason === 'OOMKilled') {
    return `keeps running out of memory${
      memoryLimit ? `: limit ${memoryLimit}` : ''
    } (container ${container})`;
  }
  return last === undefined
    ? `keeps crashing (container ${container})`
    : `keeps crashing: exit code ${last.exitCode} (container ${container})`;
}

function containerLimit(pod: V1Pod, name: string): string | undefined {
  const c = [
    ...(pod.spec?.initContainers ?? []),
    ...(pod.spec?.containers ?? []),
  ].find(x => x.name === name);
  const limit = c?.resources?.limits?.memory;
  return limit === undefined ? undefined : String(limit);
}

/**
 * `MountVolume.SetUp failed for volume "config" : configmap "app" not
 * found` → waiting for volume config: configmap "app" not found.
 */
function mountReason(message: string): string {
  const m = message.match(/volume "([^"]+)" : (.*)$/);
  return m
    ? `waiting for volume ${m[1]}: ${firstLine(m[2])}`
    : `waiting for a volume: ${firstLine(message)}`;
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

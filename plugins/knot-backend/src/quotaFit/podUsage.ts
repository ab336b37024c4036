import type {
  V1Container,
  V1LimitRange,
  V1PodSpec,
} from '@kubernetes/client-node';
import { toMilli } from './quantities';

/** Quota resource (`requests.cpu`, `pods`…) → amount in milli-units. */
export type Usage = Map<string, number>;

/** What the namespace's LimitRanges give a container that sets nothing. */
export interface ContainerDefaults {
  limits: Record<string, string>;
  requests: Record<string, string>;
}

/**
 * The container defaults of a namespace's LimitRanges, as the API server
 * reads them: per resource, `default` falls back to `max`, `defaultRequest`
 * to `default`.
 * The first LimitRange setting a resource wins (each one only fills what
 * is still unset).
 */
export function containerDefaults(ranges: V1LimitRange[]): ContainerDefaults {
  const defaults: ContainerDefaults = { limits: {}, requests: {} };
  for (const range of ranges) {
    for (const item of range.spec?.limits ?? []) {
      if (item.type !== 'Container') continue;
      // Per resource, as the API server defaults a LimitRange.
      const limits = { ...item.max, ...item._default };
      const requests = { ...limits, ...item.defaultRequest };
      for (const [r, q] of Object.entries(limits)) {
        defaults.limits[r] ??= String(q);
      }
      for (const [r, q] of Object.entries(requests)) {
        defaults.requests[r] ??= String(q);
      }
    }
  }
  return defaults;
}

type Amounts = Map<string, number>;

/**
 * A container's requests and limits once admitted: a limit without a
 * request makes the request (API defaulting), then the LimitRange fills
 * what is still missing.
 */
export function admittedResources(
  container: V1Container,
  defaults: ContainerDefaults,
): { requests: Amounts; limits: Amounts } {
  // Charts are rendered YAML: `default` is not renamed `_default` there.
  const given = (container.resources ?? {}) as {
    requests?: Record<string, unknown>;
    limits?: Record<string, unknown>;
  };
  const limits: Amounts = new Map();
  const requests: Amounts = new Map();
  const put = (into: Amounts, entries: Record<string, unknown> = {}) => {
    for (const [r, q] of Object.entries(entries)) {
      const milli = toMilli(q);
      if (milli !== undefined && !into.has(r)) into.set(r, milli);
    }
  };
  put(limits, given.limits);
  put(requests, given.requests);
  for (const [r, v] of limits) if (!requests.has(r)) requests.set(r, v);
  put(limits, defaults.limits);
  put(requests, defaults.requests);
  return { requests, limits };
}

function add(into: Amounts, from: Amounts) {
  for (const [r, v] of from) into.set(r, (into.get(r) ?? 0) + v);
}

function maxInto(into: Amounts, from: Amounts) {
  for (const [r, v] of from) into.set(r, Math.max(into.get(r) ?? 0, v));
}

/**
 * What one pod of `spec` holds, as Kubernetes counts it against a quota:
 * the sum of its containers, or the largest init container if more (an
 * init container runs alone, next to the sidecars started before it);
 * sidecars (init containers that keep running) add to the containers; the
 * pod overhead on top.
 */
export function podAmounts(
  spec: V1PodSpec,
  defaults: ContainerDefaults,
  kind: 'requests' | 'limits',
): Amounts {
  const total: Amounts = new Map();
  for (const c of spec.containers ?? []) {
    add(total, admittedResources(c, defaults)[kind]);
  }
  const sidecars: Amounts = new Map();
  const initPeak: Amounts = new Map();
  for (const c of spec.initContainers ?? []) {
    const own = admittedResources(c, defaults)[kind];
    if (c.restartPolicy === 'Always') {
      add(total, own);
      add(sidecars, own);
      maxInto(initPeak, sidecars);
    } else {
      const withSidecars: Amounts = new Map(own);
      add(withSidecars, sidecars);
      maxInto(initPeak, withSidecars);
    }
  }
  maxInto(total, initPeak);
  const overhead: Amounts = new Map();
  for (const [r, q] of Object.entries(spec.overhead ?? {})) {
    const milli = toMilli(q);
    if (milli !== undefined) overhead.set(r, milli);
  }
  add(total, overhead);
  return total;
}

/** Resources a quota also tracks under their bare name (`cpu` = `requests.cpu`). */
const BARE_REQUESTS = new Set(['cpu', 'memory', 'ephemeral-storage']);

/** The quota usage of `count` pods of `spec` (`pods` included). */
export function podUsage(
  spec: V1PodSpec,
  defaults: ContainerDefaults,
  count = 1,
): Usage {
  const usage: Usage = new Map([['pods', 1000 * count]]);
  for (const [r, v] of podAmounts(spec, defaults, 'requests')) {
    usage.set(`requests.${r}`, v * count);
    if (BARE_REQUESTS.has(r)) usage.set(r, v * count);
  }
  for (const [r, v] of podAmounts(spec, defaults, 'limits')) {
    usage.set(`limits.${r}`, v * count);
  }
  return usage;
}

/** Adds `from` into `into`. */
export function addUsage(into: Usage, from: Usage): Usage {
  add(into, from);
  return into;
}

/**
 * The compute resources a quota makes every container state: a pod whose
 * container leaves one unset (after the LimitRange) is refused at creation
 * ("must specify requests.cpu"). Answers the first such container per
 * quota resource.
 */
export function unsetResources(
  spec: V1PodSpec,
  defaults: ContainerDefaults,
): Map<string, string> {
  const unset = new Map<string, string>();
  for (const c of [
    ...(spec.initContainers ?? []),
    ...(spec.containers ?? []),
  ]) {
    const { requests, limits } = admittedResources(c, defaults);
    for (const r of ['cpu', 'memory']) {
      if (!requests.has(r)) {
        for (const key of [r, `requests.${r}`]) {
          if (!unset.has(key)) unset.set(key, c.name);
        }
      }
      if (!limits.has(r) && !unset.has(`limits.${r}`)) {
        unset.set(`limits.${r}`, c.name);
      }
    }
  }
  return unset;
}

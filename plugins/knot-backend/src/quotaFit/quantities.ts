import { parseQuantity } from '@knot-platform/plugin-knot-common';

/**
 * Quota arithmetic is done in thousandths ("milli-units") as integers, as
 * Kubernetes does: `0.1 + 0.2` CPU stays exactly 300m, and a request below
 * one milli-unit counts as one (the API server rounds it up too).
 */
export function toMilli(value: unknown): number | undefined {
  if (typeof value === 'number') return Math.ceil(value * 1000 - 1e-9);
  if (typeof value !== 'string') return undefined;
  const parsed = parseQuantity(value.trim());
  return parsed === undefined ? undefined : Math.ceil(parsed * 1000 - 1e-9);
}

/** Resource names measured in bytes (shown in MiB/GiB). */
function isBytes(resource: string): boolean {
  return /(^|\.)(memory|storage|ephemeral-storage)$|^hugepages-/.test(
    bareResource(resource),
  );
}

/** `requests.cpu` → `cpu`, `limits.memory` → `memory`, `pods` → `pods`. */
export function bareResource(resource: string): string {
  return resource.replace(/^(requests|limits)\./, '');
}

/** A number with at most two decimals, without trailing zeros. */
function short(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** An amount of `resource` (in milli-units) as a person reads it: "1.5", "512 MiB", "2 GiB". */
export function humanAmount(resource: string, milli: number): string {
  const value = milli / 1000;
  if (!isBytes(resource)) return short(value);
  const units: [string, number][] = [
    ['TiB', 2 ** 40],
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
    ['KiB', 2 ** 10],
  ];
  for (const [unit, size] of units) {
    if (Math.abs(value) >= size) return `${short(value / size)} ${unit}`;
  }
  return `${short(value)} bytes`;
}

/** What a quota resource is called in a sentence ("CPU", "of memory limits"). */
const NAMES: Record<string, string> = {
  cpu: 'CPU',
  'requests.cpu': 'CPU',
  'limits.cpu': 'CPU of limits',
  memory: 'of memory',
  'requests.memory': 'of memory',
  'limits.memory': 'of memory limits',
  'ephemeral-storage': 'of ephemeral storage',
  'requests.ephemeral-storage': 'of ephemeral storage',
  'limits.ephemeral-storage': 'of ephemeral storage limits',
  'requests.storage': 'of storage',
  pods: 'pods',
  persistentvolumeclaims: 'volume claims',
};

/**
 * An amount with its resource's name: "2 CPU", "1.5 GiB of memory",
 * "3 pods", "1 nvidia.com/gpu".
 */
export function describeAmount(resource: string, milli: number): string {
  const name = NAMES[resource] ?? bareResource(resource);
  const counted = resource === 'pods' || resource === 'persistentvolumeclaims';
  return `${humanAmount(resource, milli)} ${
    counted && milli === 1000 ? name.replace(/s$/, '') : name
  }`;
}

/** How a request a quota demands is named in a sentence: "a CPU request", "a memory limit". */
export function requirement(resource: string): string {
  const bare = bareResource(resource);
  const name = bare === 'cpu' ? 'CPU' : bare;
  return resource.startsWith('limits.')
    ? `a ${name} limit`
    : `a ${name} request`;
}

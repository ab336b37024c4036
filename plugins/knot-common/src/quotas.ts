import type { ReconcileReport } from './provisioning';

/**
 * Quotas of a profile: what an admin may set, and the "used / limit" of each
 * resource the portal shows. Shared by the backend's quota routes and the
 * usage bars.
 */

/**
 * The private folder's storage, measured on the backend's filesystem and
 * enforced on upload (413); not a Kubernetes resource, so never written to
 * the namespace's ResourceQuota.
 */
export const PRIVATE_STORAGE_RESOURCE = 'privateStorage';

/**
 * The ResourceQuota resources an admin may always set; extended resources
 * (GPUs) are added by name in `knot.provisioning.extendedResources`.
 */
export const STANDARD_QUOTA_RESOURCES = [
  'requests.cpu',
  'limits.cpu',
  'requests.memory',
  'limits.memory',
  'pods',
] as const;

/** Where a profile's limit of one resource comes from. */
export type QuotaSource = 'default' | 'profile' | 'override';

/** One resource of a profile: what it uses of what it may. */
export interface QuotaResourceUsage {
  /** `requests.cpu`, `pods`, `requests.nvidia.com/gpu`, `privateStorage`, … */
  resource: string;
  /** A Kubernetes quantity (`1500m`, `2Gi`; bytes for `privateStorage`). */
  used: string;
  /** Undefined: no limit on this resource. */
  limit?: string;
  /** Undefined when there is no limit. */
  source?: QuotaSource;
}

/** `GET /api/knot/quota`: the acting profile's resources. */
export interface ProfileQuota {
  profile: string;
  isTeam: boolean;
  resources: QuotaResourceUsage[];
  /** The admin's overrides of this profile (resource → quantity). */
  overrides: Record<string, string>;
}

/** `GET /api/knot/admin/quotas`: every profile's (admins). */
export interface ProfileQuotaList {
  items: ProfileQuota[];
  /** The resources an admin may override, in the order to show them. */
  resources: string[];
}

/**
 * `PUT /api/knot/admin/quotas/:profile` body: the profile's overrides, all
 * of them (a resource left out has none).
 */
export interface QuotaOverridesRequest {
  quota: Record<string, string>;
}

const SUFFIX: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * A Kubernetes quantity (`500m`, `8Gi`, `1e3`, `-1`) as a number of base
 * units (cores, bytes, pods), or undefined when it is not one.
 */
export function parseQuantity(value: string): number | undefined {
  const match =
    /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:([eE][+-]?\d+)|([numkKMGTPE]i?))?$/.exec(
      value.trim(),
    );
  if (!match) return undefined;
  const suffix = match[4] ?? '';
  if (!(suffix in SUFFIX)) return undefined;
  const number =
    Number(match[1] + match[2] + (match[3] ?? '')) * SUFFIX[suffix];
  return Number.isFinite(number) ? number : undefined;
}

/** A non-negative quantity (a quota's limit or use), or undefined. */
export function parseQuotaQuantity(value: string): number | undefined {
  const number = parseQuantity(value);
  return number !== undefined && number >= 0 && !/^\s*-/.test(value)
    ? number
    : undefined;
}

/** Whether a resource counts bytes (memory, storage) rather than units. */
export function isByteResource(resource: string): boolean {
  return (
    resource === PRIVATE_STORAGE_RESOURCE ||
    /(^|\.)(memory|storage|ephemeral-storage)$/.test(resource)
  );
}

/** A resource's quantity as people read it: "1.5 CPU", "2 GiB", "3 pods". */
export function formatQuotaQuantity(resource: string, value: number): string {
  const round = (n: number) => String(Math.round(n * 100) / 100);
  if (isByteResource(resource)) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
    let unit = 0;
    let scaled = value;
    while (scaled >= 1024 && unit < units.length - 1) {
      scaled /= 1024;
      unit++;
    }
    return `${round(scaled)} ${units[unit]}`;
  }
  if (/(^|\.)cpu$/.test(resource)) return `${round(value)} CPU`;
  if (resource === 'pods') return `${round(value)} pods`;
  return round(value);
}

/** The label of a resource in the usage bars and the admin table. */
export function quotaResourceLabel(resource: string): string {
  switch (resource) {
    case 'requests.cpu':
      return 'CPU requested';
    case 'limits.cpu':
      return 'CPU limit';
    case 'requests.memory':
      return 'Memory requested';
    case 'limits.memory':
      return 'Memory limit';
    case 'pods':
      return 'Pods';
    case PRIVATE_STORAGE_RESOURCE:
      return 'Private folder';
    default:
      return resource.replace(/^requests\./, '');
  }
}

/** The answer to an admin's change of a profile's overrides. */
export interface QuotaOverridesResult {
  profile: string;
  /** The overrides now stored. */
  overrides: Record<string, string>;
  /**
   * The reconcile of the profile the change triggered: its failed actions
   * say why the namespace does not follow yet (the periodic one retries).
   */
  reconcile: ReconcileReport;
}

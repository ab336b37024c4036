import {
  PRIVATE_STORAGE_RESOURCE,
  type QuotaSource,
} from '@knot-platform/plugin-knot-common';

/** One resource's limit and the layer it comes from. */
export interface EffectiveLimit {
  quantity: string;
  source: QuotaSource;
}

/**
 * A profile's limits: the app-config default (`knot.provisioning.quota`,
 * `knot.storage.privateQuotaMiB`) ← the profile's own in app-config
 * (`knot.provisioning.profiles[].quota`) ← the admin's override in the
 * database; the later layer wins per resource.
 */
export function effectiveQuota(layers: {
  defaults?: Record<string, string>;
  profile?: Record<string, string>;
  overrides?: Record<string, string>;
}): Record<string, EffectiveLimit> {
  const merged: Record<string, EffectiveLimit> = {};
  const add = (
    values: Record<string, string> | undefined,
    source: QuotaSource,
  ) => {
    for (const [resource, quantity] of Object.entries(values ?? {})) {
      merged[resource] = { quantity, source };
    }
  };
  add(layers.defaults, 'default');
  add(layers.profile, 'profile');
  add(layers.overrides, 'override');
  return merged;
}

/**
 * The part of a quota that goes into the namespace's ResourceQuota: all but
 * the private folder's storage (the file API enforces that one).
 */
export function namespaceQuota(
  quota: Record<string, string>,
): Record<string, string> {
  const { [PRIVATE_STORAGE_RESOURCE]: _storage, ...rest } = quota;
  return rest;
}

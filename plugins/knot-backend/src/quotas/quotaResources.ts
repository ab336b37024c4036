import { InputError } from '@backstage/errors';
import {
  PRIVATE_STORAGE_RESOURCE,
  STANDARD_QUOTA_RESOURCES,
  parseQuotaQuantity,
} from '@knot-platform/plugin-knot-common';

/** Longest quantity stored (the column's width). */
const MAX_QUANTITY_LENGTH = 64;

/**
 * The resources an admin may override, in the order the portal shows them:
 * CPU, memory and pods; each extended resource named in config (as
 * `requests.<name>`, the only form a ResourceQuota takes for them); the
 * resources the config's default quota already limits; the private folder.
 */
export function quotaResources(options: {
  extendedResources?: string[];
  defaults?: Record<string, string>;
}): string[] {
  const names = [
    ...STANDARD_QUOTA_RESOURCES,
    ...(options.extendedResources ?? []).map(name => `requests.${name}`),
    ...Object.keys(options.defaults ?? {}),
    PRIVATE_STORAGE_RESOURCE,
  ];
  return [...new Set(names)];
}

/**
 * Checks an override body: a map of known resources to non-negative
 * Kubernetes quantities (whole numbers for pods). Throws a 400 naming the
 * first problem; answers the map with trimmed quantities.
 */
export function checkQuotaOverrides(
  body: unknown,
  allowed: readonly string[],
): Record<string, string> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InputError(
      'The quota must be a map of resource to quantity, e.g. { "requests.cpu": "2" }',
    );
  }
  const checked: Record<string, string> = {};
  for (const [resource, value] of Object.entries(body)) {
    if (!allowed.includes(resource)) {
      throw new InputError(
        `'${resource}' cannot be limited here; use one of ${allowed.join(
          ', ',
        )}`,
      );
    }
    const quantity = typeof value === 'number' ? String(value) : value;
    if (typeof quantity !== 'string' || quantity.trim() === '') {
      throw new InputError(
        `The quantity of ${resource} must be a text like "2" or "4Gi"`,
      );
    }
    const trimmed = quantity.trim();
    const number =
      trimmed.length <= MAX_QUANTITY_LENGTH
        ? parseQuotaQuantity(trimmed)
        : undefined;
    if (number === undefined) {
      throw new InputError(
        `'${trimmed.slice(
          0,
          MAX_QUANTITY_LENGTH,
        )}' is not a quantity for ${resource}: write a number with an optional unit, e.g. 2, 500m, 4Gi`,
      );
    }
    if (resource === 'pods' && !Number.isInteger(number)) {
      throw new InputError(`pods must be a whole number, not '${trimmed}'`);
    }
    checked[resource] = trimmed;
  }
  return checked;
}

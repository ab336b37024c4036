import { parseQuantity } from '@knot-platform/plugin-knot-common';

function sameScalar(desired: unknown, actual: unknown): boolean {
  if (desired === actual) return true;
  // The API server canonicalises quantities ("1000m" comes back as "1").
  if (typeof desired === 'string' && typeof actual === 'string') {
    const a = parseQuantity(desired);
    return a !== undefined && a === parseQuantity(actual);
  }
  return false;
}

/**
 * The first path where `actual` differs from `desired`, looking only at the
 * fields `desired` sets (the server adds defaults and status), or undefined
 * when `actual` already has everything Knot wants.
 */
export function findDrift(
  desired: unknown,
  actual: unknown,
  at = '',
): string | undefined {
  if (Array.isArray(desired)) {
    if (!Array.isArray(actual) || actual.length !== desired.length) {
      return at || '.';
    }
    for (let i = 0; i < desired.length; i++) {
      const drift = findDrift(desired[i], actual[i], `${at}[${i}]`);
      if (drift) return drift;
    }
    return undefined;
  }
  if (desired !== null && typeof desired === 'object') {
    if (actual === null || typeof actual !== 'object') return at || '.';
    for (const [key, value] of Object.entries(desired)) {
      const drift = findDrift(
        value,
        (actual as Record<string, unknown>)[key],
        `${at}.${key}`,
      );
      if (drift) return drift;
    }
    return undefined;
  }
  return sameScalar(desired, actual) ? undefined : at || '.';
}

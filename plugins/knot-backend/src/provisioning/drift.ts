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

/** A Kubernetes quantity (`500m`, `8Gi`, `1e3`) as a number, or undefined. */
export function parseQuantity(value: string): number | undefined {
  const match =
    /^([+-]?\d+(?:\.\d+)?)(?:([eE][+-]?\d+)|([numkMGTPE]i?)?)$/.exec(value);
  if (!match) return undefined;
  const suffix = match[3] ?? '';
  if (!(suffix in SUFFIX)) return undefined;
  return Number(match[1] + (match[2] ?? '')) * SUFFIX[suffix];
}

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

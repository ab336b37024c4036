/** Seeded random generators of malformed AdmissionReviews. */

import { seededRandom } from '@knot-platform/knot-test-utils';

export type Rng = () => number;

/** Seeded: a failing input can be replayed from its seed. */
export const rng: (seed: number) => Rng = seededRandom;

const pick = <T>(r: Rng, items: readonly T[]): T =>
  items[Math.floor(r() * items.length)];

const STRINGS = [
  '',
  'x',
  'knot-alice',
  'knot-',
  'default',
  '/etc',
  '/data/../etc',
  '__proto__',
  'constructor',
  'KNOT_USERNAME',
  'knot-private',
  'web-bob.example.org',
  'web-alice.example.org',
  '\u0000',
  '💥',
  'a'.repeat(300),
];

export function randomValue(r: Rng, depth = 0): unknown {
  const choice = Math.floor(r() * (depth > 3 ? 7 : 10));
  switch (choice) {
    case 0:
      return null;
    case 1:
      return pick(r, [0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER]);
    case 2:
      return r() < 0.5;
    case 3:
    case 4:
      return pick(r, STRINGS);
    case 5:
      return Math.random().toString(36).slice(2);
    case 6:
      return [];
    case 7: {
      const n = Math.floor(r() * 4);
      return Array.from({ length: n }, () => randomValue(r, depth + 1));
    }
    default: {
      const out: Record<string, unknown> = {};
      const n = Math.floor(r() * 4);
      for (let i = 0; i < n; i++) {
        out[
          pick(r, [
            'name',
            'spec',
            'containers',
            'volumes',
            'env',
            'metadata',
            'labels',
            ...STRINGS,
          ])
        ] = randomValue(r, depth + 1);
      }
      return out;
    }
  }
}

/** Replaces, deletes or adds one random node somewhere in a JSON value. */
export function corrupt(value: any, r: Rng): any {
  if (value === null || typeof value !== 'object' || r() < 0.15) {
    return randomValue(r);
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return randomValue(r);
  const key = pick(r, keys);
  const copy: any = Array.isArray(value) ? [...value] : { ...value };
  const roll = r();
  if (roll < 0.15) {
    if (Array.isArray(copy)) copy.splice(Number(key), 1);
    else delete copy[key];
  } else if (roll < 0.3) {
    copy[Array.isArray(copy) ? copy.length : pick(r, STRINGS)] = randomValue(r);
  } else {
    copy[key] = corrupt(copy[key], r);
  }
  return copy;
}

/** Raw bodies that are not JSON at all, or barely. */
export function garbage(r: Rng): string {
  switch (Math.floor(r() * 6)) {
    case 0:
      return Buffer.from(
        Array.from({ length: Math.floor(r() * 200) }, () =>
          Math.floor(r() * 256),
        ),
      ).toString('latin1');
    case 1:
      return '['.repeat(Math.floor(r() * 20000));
    case 2:
      return `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":${'{"a":'.repeat(
        3000,
      )}1${'}'.repeat(3000)}}`;
    case 3:
      return '';
    case 4:
      return 'null';
    default:
      return JSON.stringify(randomValue(r));
  }
}

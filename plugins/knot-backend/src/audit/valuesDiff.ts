/** Keys whose values are never recorded: they look like secrets. */
const SECRET_KEY = /pass(word|wd)?|token|secret|key|credential|auth/i;

const MASK = '***';

type Values = Record<string, unknown>;

const isObject = (value: unknown): value is Values =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Short enough for an audit entry; objects and lists by their JSON. */
function shown(value: unknown): unknown {
  if (value === undefined) return null;
  const text = JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : value;
}

/**
 * What an upgrade changed, for the audit log: each changed key (dotted
 * path) with its old and new value, masked where the key or a parent key
 * looks like a secret (password, token, secret, key...).
 */
export function valuesDiff(
  before: Values,
  after: Values,
): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  const walk = (a: unknown, b: unknown, path: string, secret: boolean) => {
    if (isObject(a) && isObject(b)) {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
        walk(
          a[key],
          b[key],
          path ? `${path}.${key}` : key,
          secret || SECRET_KEY.test(key),
        );
      }
      return;
    }
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    changes[path] = secret
      ? {
          from: a === undefined ? null : MASK,
          to: b === undefined ? null : MASK,
        }
      : { from: shown(a), to: shown(b) };
  };
  walk(before, after, '', false);
  return changes;
}

/** Keys whose values are never recorded: they look like secrets. */
const SECRET_KEY = /pass(word|wd)?|token|secret|key|credential|auth/i;

const MASK = '***';

/** Changed values recorded at most: a bound on an entry's size. */
export const MAX_RECORDED_CHANGES = 50;

type Values = Record<string, unknown>;

const isObject = (value: unknown): value is Values =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Short enough for an audit entry. */
function shown(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value.length > 200 ? `${value.slice(0, 200)}…` : value;
}

/**
 * Whether a list item reads as a secret: `{name: DB_PASSWORD, value: …}`,
 * the shape of container env lists, names its secret in a value.
 */
function secretItem(item: unknown): boolean {
  if (!isObject(item)) return false;
  return ['name', 'key'].some(
    field =>
      typeof item[field] === 'string' && SECRET_KEY.test(item[field] as string),
  );
}

/**
 * Every scalar of `values` by its path (`a.b`, `env[0].value`), and
 * whether it is secret: under a secret-looking key or list item, or a
 * string that itself looks like one (`--db-password=…`).
 */
function leaves(
  values: unknown,
): Map<string, { value: unknown; secret: boolean }> {
  const found = new Map<string, { value: unknown; secret: boolean }>();
  const visit = (value: unknown, path: string, secret: boolean) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) =>
        visit(item, `${path}[${i}]`, secret || secretItem(item)),
      );
    } else if (isObject(value)) {
      for (const [key, inner] of Object.entries(value)) {
        visit(
          inner,
          path ? `${path}.${key}` : key,
          secret || SECRET_KEY.test(key),
        );
      }
    } else {
      found.set(path, {
        value,
        secret: secret || (typeof value === 'string' && SECRET_KEY.test(value)),
      });
    }
  };
  visit(values, '', false);
  return found;
}

/**
 * What an upgrade changed, for the audit log: each changed value by its
 * path, old and new, masked where it looks like a secret (a key or list
 * item named password, token, secret, key..., or such a string), compared
 * scalar by scalar so that a whole object or list added or removed shows
 * no secret inside it. At most {@link MAX_RECORDED_CHANGES}, then how many
 * more under `…`.
 */
export function valuesDiff(
  before: Values,
  after: Values,
): Record<string, { from: unknown; to: unknown }> {
  const old = leaves(before);
  const now = leaves(after);
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  let more = 0;
  for (const path of new Set([...old.keys(), ...now.keys()])) {
    const a = old.get(path);
    const b = now.get(path);
    if (a && b && a.value === b.value) continue;
    if (Object.keys(changes).length >= MAX_RECORDED_CHANGES) {
      more++;
      continue;
    }
    const secret = a?.secret || b?.secret;
    const side = (leaf?: { value: unknown }) => {
      if (leaf === undefined) return null;
      return secret ? MASK : shown(leaf.value);
    };
    changes[path] = { from: side(a), to: side(b) };
  }
  if (more) changes['…'] = { from: null, to: `${more} more changes` };
  return changes;
}

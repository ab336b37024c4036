import type { JsonObject, JsonValue } from '@backstage/types';

function pointer(root: JsonObject, ref: string): JsonValue | undefined {
  let node: JsonValue | undefined = root;
  for (const raw of ref.slice(2).split('/')) {
    const segment = decodeURIComponent(raw)
      .replace(/~1/g, '/')
      .replace(/~0/g, '~');
    if (!node || typeof node !== 'object' || Array.isArray(node))
      return undefined;
    node = node[segment];
  }
  return node;
}

/**
 * A chart's values.schema.json with its local `$ref`s (`#/definitions/...`,
 * `#/$defs/...`, any pointer into the file) replaced by what they point at,
 * keywords next to a `$ref` kept over it. The form nests the chart's schema
 * under one parameter, where `#/...` would point elsewhere; and values.yaml's
 * defaults and Knot's metadata are applied through the properties a `$ref`
 * brings. A `$ref` inside its own target (a recursive schema) becomes an
 * open object there; remote `$ref`s are left as they are.
 */
export function dereference(root: JsonObject): JsonObject {
  const walk = (node: JsonValue, seen: string[]): JsonValue => {
    if (Array.isArray(node)) return node.map(n => walk(n, seen));
    if (!node || typeof node !== 'object') return node;
    const { $ref, ...rest } = node;
    let base: JsonObject = {};
    const refs = [...seen];
    if (typeof $ref === 'string' && $ref.startsWith('#')) {
      const target = $ref === '#' ? root : pointer(root, $ref);
      if (seen.includes($ref)) {
        base = { type: 'object' };
      } else if (
        target &&
        typeof target === 'object' &&
        !Array.isArray(target)
      ) {
        refs.push($ref);
        base = walk(target, refs) as JsonObject;
      }
    } else if ($ref !== undefined) {
      base = { $ref };
    }
    const out: JsonObject = { ...base };
    for (const [key, value] of Object.entries(rest)) {
      // The definitions are all inlined where they are used.
      if (
        seen.length === 0 &&
        node === root &&
        (key === 'definitions' || key === '$defs')
      )
        continue;
      out[key] = walk(value!, refs);
    }
    return out;
  };
  return walk(root, []) as JsonObject;
}

import type { Server } from 'node:http';

/** A route of an express app: method and path, parameters as `:name`. */
export interface RouteEntry {
  method: string;
  path: string;
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  regexp?: RegExp & { fast_slash?: boolean };
  keys?: Array<{ name: string | number }>;
}

/** The path an express 4 `use()` layer is mounted at, from its regexp. */
function mountPath(layer: Layer): string {
  if (!layer.regexp || layer.regexp.fast_slash) return '';
  let keyIndex = 0;
  return layer.regexp.source
    .replace(/^\^/, '')
    .replace(/\\\/\?\(\?=\\\/\|\$\)$/, '')
    .replace(/\(\?:\(\[\^\\\/\]\+\?\)\)/g, () => {
      const key = layer.keys?.[keyIndex++];
      return `:${key?.name ?? 'param'}`;
    })
    .replace(/\\\//g, '/');
}

function walk(stack: Layer[], prefix: string, out: RouteEntry[]) {
  for (const layer of stack) {
    if (layer.route) {
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (on && method !== '_all') {
          out.push({
            method: method.toUpperCase(),
            path: `${prefix}${layer.route.path}`,
          });
        }
      }
    } else if (layer.handle?.stack) {
      walk(layer.handle.stack, `${prefix}${mountPath(layer)}`, out);
    }
  }
}

/**
 * Every route the express app behind a test backend's server answers,
 * read from express's own route table (express 4), under `prefix`.
 */
export function routeTable(server: Server, prefix: string): RouteEntry[] {
  const app = server.listeners('request')[0] as unknown as {
    _router?: { stack: Layer[] };
  };
  const out: RouteEntry[] = [];
  walk(app._router?.stack ?? [], '', out);
  const seen = new Set<string>();
  return out
    .filter(r => r.path.startsWith(prefix))
    .map(r => ({ ...r, path: r.path.slice(prefix.length) || '/' }))
    .filter(r => {
      const key = `${r.method} ${r.path}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) =>
      `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`),
    );
}

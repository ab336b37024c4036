import express from 'express';
import type { Server } from 'node:http';

/**
 * A route of an express app: method and path, parameters as `:name`. A
 * handler mounted with `use()` at a path of its own (a proxy, whatever the
 * method and the rest of the path) is method `USE`.
 */
export interface RouteEntry {
  method: string;
  path: string;
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[]; _router?: { stack: Layer[] } };
  regexp?: RegExp & { fast_slash?: boolean };
  keys?: Array<{ name: string | number }>;
}

type App = { _router?: { stack: Layer[] } };

/** The apps created since {@link recordExpressApps}, by their name. */
const appsByName = new Map<string, App>();

/**
 * Makes the express apps created from now on findable by {@link routeTable}
 * (call it before the backend starts). A plugin's router may be an app of
 * its own (the scaffolder's), and Backstage's router puts a wrapper of the
 * same name in its place, which keeps the app only in its closure: each app
 * gets a name of its own, and the wrapper carries it.
 */
export function recordExpressApps(): void {
  const application = express.application as unknown as {
    init: (this: App) => void;
    knotRecordsApps?: boolean;
  };
  if (application.knotRecordsApps) return;
  application.knotRecordsApps = true;
  const init = application.init;
  application.init = function namedInit(this: App) {
    const name = `app#${appsByName.size + 1}`;
    Object.defineProperty(this, 'name', { value: name });
    appsByName.set(name, this);
    init.call(this);
  };
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
    .replace(/\\\//g, '/')
    .replace(/\\\./g, '.');
}

/** The layers of a router or an app, or of the app a wrapper stands for. */
function subStack(handle: NonNullable<Layer['handle']>): Layer[] | undefined {
  return (
    handle.stack ??
    handle._router?.stack ??
    appsByName.get((handle as { name?: string }).name ?? '')?._router?.stack
  );
}

function walk(
  stack: Layer[],
  prefix: string,
  out: RouteEntry[],
  mounts: boolean,
) {
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
    } else if (layer.handle && subStack(layer.handle)) {
      walk(
        subStack(layer.handle)!,
        `${prefix}${mountPath(layer)}`,
        out,
        mounts,
      );
    } else if (mounts && mountPath(layer)) {
      out.push({ method: 'USE', path: `${prefix}${mountPath(layer)}` });
    }
  }
}

/**
 * Every route the express app behind a test backend's server answers,
 * read from express's own route table (express 4), under `prefix` (the
 * routes of a plugin's own app only after {@link recordExpressApps}); with
 * `mounts`, also the handlers mounted at a path (method `USE`), body
 * parsers and other middleware included.
 */
export function routeTable(
  server: Server,
  prefix: string,
  options: { mounts?: boolean } = {},
): RouteEntry[] {
  const app = server.listeners('request')[0] as unknown as {
    _router?: { stack: Layer[] };
  };
  const out: RouteEntry[] = [];
  walk(app._router?.stack ?? [], '', out, options.mounts ?? false);
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

import type { BackendFeature } from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  type TestBackend,
} from '@backstage/backend-test-utils';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import type { JsonObject, JsonValue } from '@backstage/types';
import knotPlugin from '@knot-platform/plugin-knot-backend';
import type { Knex } from 'knex';

/** How a suite's backend differs from the default. */
export interface KnotTestBackendOptions {
  /** Merged over the defaults (see {@link knotTestConfig}). */
  config?: JsonObject;
  /** The database of every plugin (from `createTestDatabases().init`). */
  knex?: Knex;
  /** Other plugins, modules and service factories. */
  features?: Array<BackendFeature | Promise<{ default: BackendFeature }>>;
  /** Leave the knot plugin out (a suite with a `knot` plugin of its own). */
  withoutKnotPlugin?: boolean;
  /** Extension points replaced by the suite, as `startTestBackend` takes them. */
  extensionPoints?: Parameters<typeof startTestBackend>[0]['extensionPoints'];
}

/**
 * The defaults of every test backend: no cluster (a kubeconfig that does not
 * exist, a health probe that gives up quickly), events between the plugins
 * of this process only.
 */
export const knotTestConfig: JsonObject = {
  knot: {
    kubernetes: { kubeconfig: '/nonexistent/kubeconfig', healthTimeoutMs: 200 },
  },
  events: { useEventBus: 'never' },
};

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `over` merged into `base`: objects key by key, everything else replaced. */
export function mergeConfig(base: JsonObject, over: JsonObject): JsonObject {
  const merged: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = merged[key];
    merged[key] =
      isObject(current) && isObject(value)
        ? mergeConfig(current, value)
        : value;
  }
  return merged;
}

/**
 * Starts a Backstage test backend with the real knot plugin, Backstage's
 * events service (so that the knot plugin's events reach the other plugins,
 * as in a real backend) and the suite's config, database and features.
 */
export async function startKnotTestBackend(
  options: KnotTestBackendOptions = {},
): Promise<TestBackend> {
  return startTestBackend({
    features: [
      ...(options.withoutKnotPlugin ? [] : [knotPlugin]),
      eventsServiceFactory,
      mockServices.rootConfig.factory({
        data: mergeConfig(knotTestConfig, options.config ?? {}),
      }),
      ...(options.knex
        ? [mockServices.database.factory({ knex: options.knex })]
        : []),
      ...(options.features ?? []),
    ],
    extensionPoints: options.extensionPoints,
  });
}

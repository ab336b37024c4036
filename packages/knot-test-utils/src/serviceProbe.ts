import {
  createBackendPlugin,
  type BackendFeature,
  type ServiceRef,
} from '@backstage/backend-plugin-api';

/**
 * A plugin of its own in the test backend (pluginId `probe`) that hands the
 * test `ref` as any other plugin gets it, e.g. `knotServiceRef`'s default.
 */
export function serviceProbe<T>(ref: ServiceRef<T, 'plugin', 'singleton'>): {
  feature: BackendFeature;
  /** The service, once the backend has started. */
  get(): T;
} {
  let service: T | undefined;
  const feature = createBackendPlugin({
    pluginId: 'probe',
    register(env) {
      env.registerInit({
        deps: { service: ref },
        async init(deps) {
          service = deps.service;
        },
      });
    },
  });
  return {
    feature,
    get() {
      if (service === undefined) throw new Error('The backend has not started');
      return service;
    },
  };
}

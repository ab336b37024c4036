import { createRequire } from 'node:module';
import type * as k8s from '@kubernetes/client-node';
import { testKubeconfig } from './cluster';

/**
 * `@kubernetes/client-node` (ESM-only), loaded through Node's require, which
 * also works inside Jest's module sandbox.
 */
export function loadClientNode(): typeof k8s {
  return createRequire(__filename)('@kubernetes/client-node');
}

/** An API client of the test cluster, e.g. `testKubeClient(k => k.CoreV1Api)`. */
export function testKubeClient<T extends k8s.ApiType>(
  api: (lib: typeof k8s) => k8s.ApiConstructor<T>,
): T {
  const lib = loadClientNode();
  const kubeConfig = new lib.KubeConfig();
  kubeConfig.loadFromFile(testKubeconfig()!);
  return kubeConfig.makeApiClient(api(lib));
}

/** An Ingress routing `host` to port 80 of the Service `service`. */
export function testIngress(
  name: string,
  host: string,
  service: string,
): k8s.V1Ingress {
  return {
    metadata: { name },
    spec: {
      rules: [
        {
          host,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: service, port: { number: 80 } } },
              },
            ],
          },
        },
      ],
    },
  };
}

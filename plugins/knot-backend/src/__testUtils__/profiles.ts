import { randomBytes } from 'node:crypto';
import {
  KNOT_NAMESPACE_ENABLED,
  KNOT_NAMESPACE_LABEL,
  MANAGED_BY_KNOT,
  MANAGED_BY_LABEL,
  profileNamespace,
} from '@knot-platform/plugin-knot-common';
import { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';

/** A fresh username, so parallel and repeated runs never share a namespace. */
export function testUsername(prefix = 'u'): string {
  return `${prefix}${randomBytes(3).toString('hex')}`;
}

/**
 * Creates `knot-<user>` as provisioning would (label `knot: enabled`), for
 * suites that need a profile namespace without the provisioning feature.
 */
export async function createProfileNamespace(
  kubeconfig: string,
  user: string,
): Promise<{ namespace: string; remove: () => Promise<void> }> {
  const kubernetes = new KubernetesClientFactory(kubeconfig);
  const core = await kubernetes.makeClient(lib => lib.CoreV1Api);
  const namespace = profileNamespace(user);
  await core.createNamespace({
    body: {
      metadata: {
        name: namespace,
        labels: {
          [KNOT_NAMESPACE_LABEL]: KNOT_NAMESPACE_ENABLED,
          [MANAGED_BY_LABEL]: MANAGED_BY_KNOT,
        },
      },
    },
  });
  return {
    namespace,
    remove: async () => {
      await core.deleteNamespace({ name: namespace }).catch(() => {});
    },
  };
}

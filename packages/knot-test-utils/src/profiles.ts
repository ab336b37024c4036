import { randomBytes } from 'node:crypto';
import {
  KNOT_NAMESPACE_ENABLED,
  KNOT_NAMESPACE_LABEL,
  MANAGED_BY_KNOT,
  MANAGED_BY_LABEL,
  privateVolumeName,
  profileNamespace,
  sharedVolumeName,
} from '@knot-platform/plugin-knot-common';
import { testKubeClient } from './kubernetes';

/** A fresh username, so parallel and repeated runs never share a namespace. */
export function testUsername(prefix = 'u'): string {
  return `${prefix}${randomBytes(3).toString('hex')}`;
}

/**
 * Creates `knot-<user>` (or `<prefix><user>`) in the test cluster as
 * provisioning would (label `knot: enabled`), for suites that need a profile
 * namespace without the provisioning feature.
 */
export async function createProfileNamespace(
  user: string,
  /** More labels, e.g. one a test's webhook selects namespaces by. */
  labels: Record<string, string> = {},
  /**
   * A backend that acts on every profile namespace of its prefix (idle stop,
   * provisioning) must have one of its own: the suites share the cluster.
   */
  prefix?: string,
): Promise<{ namespace: string; remove: () => Promise<void> }> {
  const core = testKubeClient(lib => lib.CoreV1Api);
  const namespace = profileNamespace(user, prefix);
  await core.createNamespace({
    body: {
      metadata: {
        name: namespace,
        labels: {
          [KNOT_NAMESPACE_LABEL]: KNOT_NAMESPACE_ENABLED,
          [MANAGED_BY_LABEL]: MANAGED_BY_KNOT,
          ...labels,
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

/**
 * Removes what provisioning made for profiles in the test cluster: their
 * namespaces (`<prefix><name>`) and private and shared volumes.
 */
export async function removeProvisionedProfiles(
  profiles: string[],
  prefix?: string,
): Promise<void> {
  const core = testKubeClient(lib => lib.CoreV1Api);
  for (const profile of profiles) {
    const namespace = profileNamespace(profile, prefix);
    await core.deleteNamespace({ name: namespace }).catch(() => {});
    for (const name of [
      privateVolumeName(profile, prefix),
      sharedVolumeName(profile, prefix),
    ]) {
      await core.deletePersistentVolume({ name }).catch(() => {});
    }
  }
}

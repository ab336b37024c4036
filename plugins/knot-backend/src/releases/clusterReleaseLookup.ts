import { RELEASE_CHART_LABEL } from '@knot-platform/plugin-knot-common';
import type { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import type { ReleaseLookup } from './ServiceInstaller';

/**
 * Helm releases read from the API server: helm keeps each
 * release revision in a Secret labelled `owner=helm`, `name=<release>` plus
 * the `--labels` given at install.
 */
export function clusterReleaseLookup(
  kubernetes: KubernetesClientFactory,
): ReleaseLookup {
  return {
    async releases(namespace) {
      const core = await kubernetes.makeClient(lib => lib.CoreV1Api);
      const secrets = await core.listNamespacedSecret({
        namespace,
        labelSelector: 'owner=helm',
      });
      const byName = new Map<string, { name: string; chart?: string }>();
      for (const s of secrets.items) {
        const labels = s.metadata?.labels ?? {};
        if (!labels.name || labels.status === 'uninstalled') continue;
        byName.set(labels.name, {
          name: labels.name,
          chart: labels[RELEASE_CHART_LABEL],
        });
      }
      return [...byName.values()];
    },
  };
}

import {
  KNOT_NAMESPACE_ENABLED,
  KNOT_NAMESPACE_LABEL,
} from '@knot-platform/plugin-knot-common';
import type { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';

/** The profile namespaces of this instance (labelled and prefixed). */
export async function profileNamespaceNames(
  kubernetes: KubernetesClientFactory,
  namespacePrefix: string,
): Promise<string[]> {
  const core = await kubernetes.makeClient(lib => lib.CoreV1Api);
  const list = await core.listNamespace({
    labelSelector: `${KNOT_NAMESPACE_LABEL}=${KNOT_NAMESPACE_ENABLED}`,
  });
  return list.items
    .map(ns => ns.metadata?.name ?? '')
    .filter(name => name.startsWith(namespacePrefix));
}

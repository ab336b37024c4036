/**
 * Where the pod spec sits in each kind the webhook mutates. Only the stable
 * API versions are listed: other versions are not routed to the webhook.
 */
const POD_TEMPLATE_PATHS: Record<string, string[]> = {
  '/v1/Pod': [],
  'apps/v1/Deployment': ['spec', 'template'],
  'apps/v1/StatefulSet': ['spec', 'template'],
  'apps/v1/DaemonSet': ['spec', 'template'],
  'apps/v1/ReplicaSet': ['spec', 'template'],
  'batch/v1/Job': ['spec', 'template'],
  'batch/v1/CronJob': ['spec', 'jobTemplate', 'spec', 'template'],
};

export type GroupVersionKind = { group: string; version: string; kind: string };

function key(gvk: GroupVersionKind): string {
  return `${gvk.group}/${gvk.version}/${gvk.kind}`;
}

/** Whether objects of this kind carry a pod spec the webhook handles. */
export function hasPodTemplate(gvk: GroupVersionKind): boolean {
  return Object.prototype.hasOwnProperty.call(POD_TEMPLATE_PATHS, key(gvk));
}

export function isIngress(gvk: GroupVersionKind): boolean {
  return key(gvk) === 'networking.k8s.io/v1/Ingress';
}

/** An object whose shape the webhook cannot work with: denied with 400. */
export class MalformedObjectError extends Error {}

export function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The labels of an object (`{}` when it has none). */
export function labelsOf(object: Record<string, any>): Record<string, unknown> {
  const labels = object.metadata?.labels;
  return isObject(labels) ? labels : {};
}

/**
 * A copy of the object that shares everything with the original except the
 * objects on the way to the pod spec, the spec and its containers: those are
 * what the mutation writes to. compare() skips shared subtrees, so this is
 * much cheaper than a deep clone of the whole object.
 */
export function copyAlongPodSpec(
  gvk: GroupVersionKind,
  object: Record<string, any>,
) {
  const copy = { ...object };
  let at: Record<string, any> = copy;
  for (const step of [...POD_TEMPLATE_PATHS[key(gvk)], 'spec']) {
    if (!isObject(at[step])) return copy;
    at[step] = { ...at[step] };
    at = at[step];
  }
  for (const field of ['containers', 'initContainers']) {
    if (Array.isArray(at[field])) {
      at[field] = at[field].map((c: unknown) => (isObject(c) ? { ...c } : c));
    }
  }
  return copy;
}

/**
 * The pod template of an object (for a Pod, the Pod itself): the object
 * holding `metadata` and `spec`. Throws MalformedObjectError when missing.
 */
export function podTemplateOf(
  gvk: GroupVersionKind,
  object: Record<string, any>,
): { labels: Record<string, unknown>; spec: Record<string, any> } {
  const path = POD_TEMPLATE_PATHS[key(gvk)];
  let template: unknown = object;
  for (const step of path) {
    template = isObject(template) ? template[step] : undefined;
  }
  const where = ['', ...path, 'spec'].join('.') || '.spec';
  if (!isObject(template) || !isObject(template.spec)) {
    throw new MalformedObjectError(`${gvk.kind} has no pod spec at ${where}`);
  }
  // A label on the workload or on its pod template opts out alike.
  return {
    labels: { ...labelsOf(object), ...labelsOf(template) },
    spec: template.spec,
  };
}

import { MalformedObjectError, isObject } from './podTemplates';

/** What Knot adds to every pod spec of a profile namespace. */
export interface PodInjection {
  volumes: Record<string, unknown>[];
  mounts: { name: string; mountPath: string; readOnly?: boolean }[];
  env: { name: string; value: string }[];
}

function arrayAt(
  owner: Record<string, any>,
  field: string,
  where: string,
): Record<string, any>[] {
  const value = owner[field];
  if (value === undefined || value === null) {
    return [];
  }
  if (!Array.isArray(value) || !value.every(isObject)) {
    throw new MalformedObjectError(
      `${where}.${field} must be a list of objects`,
    );
  }
  return value;
}

function injectIntoContainer(
  container: Record<string, any>,
  injection: PodInjection,
  where: string,
) {
  const mounts = arrayAt(container, 'volumeMounts', where);
  const added = injection.mounts.filter(
    mount =>
      // The user's own mount of the same volume or at the same path wins.
      !mounts.some(
        m => m.name === mount.name || m.mountPath === mount.mountPath,
      ),
  );
  if (added.length > 0) {
    container.volumeMounts = [...mounts, ...added];
  }

  const env = arrayAt(container, 'env', where);
  const addedEnv = injection.env.filter(e => !env.some(v => v.name === e.name));
  if (addedEnv.length > 0) {
    container.env = [...env, ...addedEnv];
  }
}

/**
 * Adds Knot's volumes, mounts and KNOT_* variables to a pod spec, in place.
 * Anything already present (by name, or by mount path) is left as it is, so
 * running it again changes nothing. The spec and its containers must be
 * copies (see copyAlongPodSpec); the injection's objects are shared, not
 * copied, as nothing writes to them afterwards.
 */
export function injectIntoPodSpec(
  spec: Record<string, any>,
  injection: PodInjection,
): void {
  const volumes = arrayAt(spec, 'volumes', 'spec');
  const newVolumes = injection.volumes.filter(
    v => !volumes.some(existing => existing.name === v.name),
  );
  if (newVolumes.length > 0) {
    spec.volumes = [...volumes, ...newVolumes];
  }

  const containers = arrayAt(spec, 'containers', 'spec');
  if (containers.length === 0) {
    throw new MalformedObjectError(
      'spec.containers must list at least one container',
    );
  }
  containers.forEach((c, i) =>
    injectIntoContainer(c, injection, `spec.containers[${i}]`),
  );
  arrayAt(spec, 'initContainers', 'spec').forEach((c, i) =>
    injectIntoContainer(c, injection, `spec.initContainers[${i}]`),
  );
}

import path from 'node:path';
import { MalformedObjectError, isObject } from '../mutation/podTemplates';

/** Whether `hostPath` is an allowlist entry or lies below one. */
export function isAllowedHostPath(
  hostPath: string,
  allowlist: readonly string[],
): boolean {
  if (!hostPath.startsWith('/')) return false;
  // Normalising first: `/data/../etc` is `/etc`.
  const normal = path.posix.normalize(hostPath).replace(/\/+$/, '') || '/';
  return allowlist.some(entry => {
    const allowed = path.posix.normalize(entry).replace(/\/+$/, '') || '/';
    return (
      allowed === '/' || normal === allowed || normal.startsWith(`${allowed}/`)
    );
  });
}

/** The denial message for the first hostPath volume outside the allowlist. */
export function checkHostPaths(
  spec: Record<string, any>,
  allowlist: readonly string[],
): string | undefined {
  const volumes = spec.volumes ?? [];
  if (!Array.isArray(volumes))
    throw new MalformedObjectError('spec.volumes must be a list');
  for (const volume of volumes) {
    if (!isObject(volume))
      throw new MalformedObjectError('spec.volumes must be a list of objects');
    if (volume.hostPath === undefined || volume.hostPath === null) continue;
    const hostPath = isObject(volume.hostPath)
      ? volume.hostPath.path
      : undefined;
    if (typeof hostPath !== 'string') {
      throw new MalformedObjectError(
        `volume "${volume.name}": hostPath.path must be a string`,
      );
    }
    if (!isAllowedHostPath(hostPath, allowlist)) {
      const allowed =
        allowlist.length > 0
          ? `allowed host paths: ${allowlist.join(', ')}`
          : 'no host paths are allowed';
      return `hostPath volume "${volume.name}" mounts ${hostPath}, which is outside the allowlist (${allowed})`;
    }
  }
  return undefined;
}

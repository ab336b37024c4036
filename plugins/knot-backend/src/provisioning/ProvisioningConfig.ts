import path from 'node:path';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { DEFAULT_NAMESPACE_PREFIX } from '@internal/plugin-knot-common';

/** Where the PVs of the two data domains point. */
export type VolumeSource =
  | { type: 'hostPath'; privatePath: string; sharedPath: string }
  | { type: 'nfs'; server: string; privatePath: string; sharedPath: string }
  | {
      type: 'csi';
      driver: string;
      volumeHandlePrefix: string;
      /** Values may contain `{name}` (the profile) and `{domain}`. */
      volumeAttributes: Record<string, string>;
    };

/** Everything provisioning reads from app-config, resolved once. */
export interface ProvisioningConfig {
  namespacePrefix: string;
  /** Backend-side folders: one sub-folder per profile, and the shared one. */
  privateDir: string;
  sharedDir: string;
  volume: VolumeSource;
  /** Nominal PV/PVC size (hostPath and NFS do not enforce it). */
  capacity: string;
  deleteFoldersOnRemoval: boolean;
  /** Pod Security Admission level enforced in profile namespaces ('' = none). */
  podSecurity: string;
  quota?: Record<string, string>;
  limitRange?: {
    default?: Record<string, string>;
    defaultRequest?: Record<string, string>;
  };
  frequencyMinutes: number;
  /** Whether reconcileAll removes Knot namespaces of unlisted profiles. */
  removeOrphans: boolean;
  /** Profiles reconciled in parallel. */
  concurrency: number;
}

function stringMap(config?: Config): Record<string, string> | undefined {
  if (!config) return undefined;
  return Object.fromEntries(config.keys().map(k => [k, config.getString(k)]));
}

/** Reads `knot.namespacePrefix`, `knot.storage` and `knot.provisioning`. */
export function readProvisioningConfig(config: Config): ProvisioningConfig {
  const storage = config.getOptionalConfig('knot.storage');
  const privateDir = path.resolve(
    storage?.getOptionalString('privateDir') ?? '.knot/storage/private',
  );
  const sharedDir = path.resolve(
    storage?.getOptionalString('sharedDir') ?? '.knot/storage/shared',
  );
  const volumeConfig = storage?.getOptionalConfig('volume');
  const type = volumeConfig?.getOptionalString('type') ?? 'hostPath';
  let volume: VolumeSource;
  if (type === 'hostPath') {
    volume = {
      type,
      privatePath:
        volumeConfig?.getOptionalString('hostPath.privatePath') ?? privateDir,
      sharedPath:
        volumeConfig?.getOptionalString('hostPath.sharedPath') ?? sharedDir,
    };
  } else if (type === 'nfs') {
    volume = {
      type,
      server: volumeConfig!.getString('nfs.server'),
      privatePath: volumeConfig!.getString('nfs.privatePath'),
      sharedPath: volumeConfig!.getString('nfs.sharedPath'),
    };
  } else if (type === 'csi') {
    volume = {
      type,
      driver: volumeConfig!.getString('csi.driver'),
      volumeHandlePrefix:
        volumeConfig!.getOptionalString('csi.volumeHandlePrefix') ?? '',
      volumeAttributes:
        stringMap(volumeConfig!.getOptionalConfig('csi.volumeAttributes')) ??
        {},
    };
  } else {
    throw new InputError(
      `knot.storage.volume.type must be hostPath, nfs or csi, not '${type}'`,
    );
  }
  const provisioning = config.getOptionalConfig('knot.provisioning');
  const limitRange = provisioning?.getOptionalConfig('limitRange');
  return {
    namespacePrefix:
      config.getOptionalString('knot.namespacePrefix') ??
      DEFAULT_NAMESPACE_PREFIX,
    privateDir,
    sharedDir,
    volume,
    capacity: volumeConfig?.getOptionalString('capacity') ?? '10Gi',
    deleteFoldersOnRemoval:
      storage?.getOptionalBoolean('deleteFoldersOnRemoval') ?? false,
    podSecurity: provisioning?.getOptionalString('podSecurity') ?? 'baseline',
    quota: stringMap(provisioning?.getOptionalConfig('quota')),
    limitRange: limitRange && {
      default: stringMap(limitRange.getOptionalConfig('default')),
      defaultRequest: stringMap(limitRange.getOptionalConfig('defaultRequest')),
    },
    frequencyMinutes: provisioning?.getOptionalNumber('frequencyMinutes') ?? 5,
    concurrency: provisioning?.getOptionalNumber('concurrency') ?? 16,
    removeOrphans: provisioning?.getOptionalBoolean('removeOrphans') ?? true,
  };
}

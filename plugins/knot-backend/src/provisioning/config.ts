import path from 'node:path';
import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { DEFAULT_NAMESPACE_PREFIX } from '@knot-platform/plugin-knot-common';
import { readIntegrations } from '../integrations/config';
import { readImagesConfig } from '../images/config';
import {
  readHarborProvisioningConfig,
  type HarborProvisioningConfig,
} from '../harbor/config';
import type { RegistryPullCredentials } from './registryPullSecret';
import type { ProvisioningTarget } from './ProfileSource';

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
  /** `knot.storage.groupId`: the data domains' group (files/dataGroup.ts). */
  groupId?: number;
  volume: VolumeSource;
  /** Nominal PV/PVC size (hostPath and NFS do not enforce it). */
  capacity: string;
  deleteFoldersOnRemoval: boolean;
  /** Pod Security Admission level enforced in profile namespaces ('' = none). */
  podSecurity: string;
  quota?: Record<string, string>;
  /**
   * Extended resources (GPUs: `nvidia.com/gpu`) admins may limit per
   * profile, as `requests.<name>` in the ResourceQuota.
   */
  extendedResources?: string[];
  limitRange?: {
    default?: Record<string, string>;
    defaultRequest?: Record<string, string>;
  };
  /** When every profile is reconciled (the first run is at startup). */
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** Whether reconcileAll removes Knot namespaces of unlisted profiles. */
  removeOrphans: boolean;
  /** Profiles reconciled in parallel. */
  concurrency: number;
  /**
   * Profiles provisioned besides the user store's (development: the guest
   * user, who is not in the store).
   */
  profiles: ProvisioningTarget[];
  /**
   * The portal's own ServiceAccount when Knot runs in the cluster: bound to
   * the namespace role in each profile namespace (and only there), which is
   * how it deploys users' services without cluster-wide rights.
   */
  portalAccess?: { serviceAccount: string; namespace: string };
  /**
   * Argo Workflows is an integration (`knot.integrations.argoWorkflows`):
   * each profile gets the account Argo's SSO RBAC maps its members to.
   */
  argoWorkflows: boolean;
  /** `knot.integrations.argoWorkflows.clusterRole` (argoWorkflows.ts). */
  argoWorkflowsClusterRole?: string;
  /**
   * `knot.images.registry` with credentials: each profile namespace gets
   * them as its pull secret (registryPullSecret.ts).
   */
  registryPullSecret?: RegistryPullCredentials;
  /**
   * `knot.integrations.harbor` with `api` credentials: each profile gets
   * its Harbor project, members and a pull-only robot, whose secret the
   * pull secret carries (harbor/HarborProfileAccess.ts).
   */
  harbor?: HarborProvisioningConfig;
}

/** The periodic reconcile when `knot.provisioning.schedule` is not set. */
export const DEFAULT_PROVISIONING_SCHEDULE: SchedulerServiceTaskScheduleDefinition =
  {
    frequency: { minutes: 5 },
    timeout: { minutes: 10 },
    initialDelay: { seconds: 5 },
  };

/**
 * A string map read whole: its keys may contain dots (`limits.cpu`), which
 * path-based getters would take for nesting.
 */
export function stringMap(
  config: Config | undefined,
  key: string,
): Record<string, string> | undefined {
  const value = config?.getOptional<Record<string, unknown>>(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(`${key} must be a map of strings`);
  }
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      if (typeof v !== 'string' && typeof v !== 'number') {
        throw new InputError(`${key}.${k} must be a string`);
      }
      return [k, String(v)];
    }),
  );
}

/**
 * Reads `knot.namespacePrefix`, `knot.storage` and `knot.provisioning`;
 * `knot.provisioning.schedule` with Backstage's scheduler config reader.
 */
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
      volumeAttributes: stringMap(volumeConfig!, 'csi.volumeAttributes') ?? {},
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
    groupId: storage?.getOptionalNumber('groupId'),
    volume,
    capacity: volumeConfig?.getOptionalString('capacity') ?? '10Gi',
    deleteFoldersOnRemoval:
      storage?.getOptionalBoolean('deleteFoldersOnRemoval') ?? false,
    podSecurity: provisioning?.getOptionalString('podSecurity') ?? 'baseline',
    quota: stringMap(provisioning, 'quota'),
    extendedResources:
      provisioning?.getOptionalStringArray('extendedResources') ?? [],
    limitRange: limitRange && {
      default: stringMap(limitRange, 'default'),
      defaultRequest: stringMap(limitRange, 'defaultRequest'),
    },
    schedule: provisioning?.has('schedule')
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
          provisioning.getConfig('schedule'),
        )
      : DEFAULT_PROVISIONING_SCHEDULE,
    concurrency: provisioning?.getOptionalNumber('concurrency') ?? 16,
    removeOrphans: provisioning?.getOptionalBoolean('removeOrphans') ?? true,
    portalAccess: provisioning?.has('portalAccess')
      ? {
          serviceAccount: provisioning.getString('portalAccess.serviceAccount'),
          namespace: provisioning.getString('portalAccess.namespace'),
        }
      : undefined,
    argoWorkflows: readIntegrations(config).some(
      integration => integration.name === 'argoWorkflows',
    ),
    argoWorkflowsClusterRole: config.getOptionalString(
      'knot.integrations.argoWorkflows.clusterRole',
    ),
    registryPullSecret: registryPullCredentials(config),
    harbor: readHarborProvisioningConfig(config),
    profiles: (provisioning?.getOptionalConfigArray('profiles') ?? []).map(
      entry => ({
        name: entry.getString('name'),
        isTeam: entry.getOptionalBoolean('isTeam') ?? false,
        active: entry.getOptionalBoolean('active') ?? true,
        quota: stringMap(entry, 'quota'),
      }),
    ),
  };
}

/** The registry's credentials for pulls, when it has some. */
function registryPullCredentials(
  config: Config,
): RegistryPullCredentials | undefined {
  const registry = readImagesConfig(config).registry;
  return registry?.credentials
    ? { server: registry.pullHost, ...registry.credentials }
    : undefined;
}

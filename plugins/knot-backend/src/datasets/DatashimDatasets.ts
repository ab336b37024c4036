import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  DATASET_API_GROUPS,
  MANAGED_BY_KNOT,
  MANAGED_BY_LABEL,
  datasetMountPath,
  type DatasetApiGroup,
  type KnotDataset,
  datasetProvisionStatus,
  type KnotDatasetStatus,
} from '@knot-platform/plugin-knot-common';
import type { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import type { S3DatasetInput } from './datasetInput';

const VERSION = 'v1alpha1';
const PLURAL = 'datasets';
/** Marks a Dataset an admin defined for every profile (see provisioning). */
export const SHARED_DATASET_LABEL = 'knot/shared-dataset';
/** Names the Dataset a credentials Secret belongs to. */
export const DATASET_LABEL = 'knot/dataset';

/** The Secret holding a dataset's keys, under the names Datashim reads. */
export function datasetSecretName(dataset: string): string {
  return `knot-dataset-${dataset}`;
}

const status = (code: number | undefined) => (e: any) =>
  e?.code === code ||
  e?.statusCode === code ||
  e?.response?.statusCode === code;
const isNotFound = status(404);
const isConflict = status(409);

/** Datashim's provision status in the portal's words. */
function datasetStatus(item: any): {
  status: KnotDatasetStatus;
  reason?: string;
} {
  const provision = item?.status?.provision ?? {};
  const info = typeof provision.info === 'string' ? provision.info : undefined;
  const state = datasetProvisionStatus(item);
  switch (state) {
    case 'ready':
      return { status: state };
    case 'error':
      return { status: state, reason: info || provision.status };
    default:
      return {
        status: state,
        reason: info || "waiting for Datashim's operator",
      };
  }
}

/** A Dataset object as the portal shows it (never its credentials). */
export function toKnotDataset(item: any, mountedBy: string[]): KnotDataset {
  const local: Record<string, string> = item?.spec?.local ?? {};
  const name = String(item?.metadata?.name ?? '');
  const [bucket, ...folder] = String(local.bucket ?? '').split('/');
  return {
    name,
    type: 's3',
    endpoint: String(local.endpoint ?? ''),
    bucket,
    prefix: folder.join('/'),
    region: String(local.region ?? ''),
    readOnly: local.readonly === 'true',
    shared: item?.metadata?.labels?.[SHARED_DATASET_LABEL] === 'true',
    ...datasetStatus(item),
    mountPath: datasetMountPath(name),
    mountedBy,
  };
}

/** The Dataset Knot creates for an S3 bucket: keys by Secret reference only. */
export function s3DatasetObject(
  group: DatasetApiGroup,
  namespace: string,
  input: Omit<S3DatasetInput, 'accessKey' | 'secretKey'>,
  labels: Record<string, string> = {},
) {
  return {
    apiVersion: `${group}/${VERSION}`,
    kind: 'Dataset',
    metadata: {
      name: input.name,
      namespace,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_KNOT, ...labels },
    },
    spec: {
      local: {
        type: 'COS',
        endpoint: input.endpoint,
        // Datashim reads a folder as `bucket/prefix`.
        bucket: input.prefix ? `${input.bucket}/${input.prefix}` : input.bucket,
        region: input.region,
        readonly: String(input.readOnly),
        'secret-name': datasetSecretName(input.name),
      },
    },
  };
}

/** The Secret a Dataset refers to, with the key names Datashim reads. */
export function s3SecretObject(
  namespace: string,
  input: Pick<S3DatasetInput, 'name' | 'accessKey' | 'secretKey'>,
  labels: Record<string, string> = {},
) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: datasetSecretName(input.name),
      namespace,
      labels: {
        [MANAGED_BY_LABEL]: MANAGED_BY_KNOT,
        [DATASET_LABEL]: input.name,
        ...labels,
      },
    },
    stringData: {
      accessKeyID: input.accessKey,
      secretAccessKey: input.secretKey,
    },
  };
}

/**
 * Datashim Datasets of profile namespaces through the API server: which
 * group the cluster serves, list, create (Secret first, then the Dataset
 * referring to it) and delete.
 */
export class DatashimDatasets {
  private group?: { at: number; value: DatasetApiGroup | undefined };

  constructor(
    private readonly kubernetes: KubernetesClientFactory,
    private readonly configuredGroup?: DatasetApiGroup,
    private readonly now: () => number = Date.now,
  ) {}

  private custom() {
    return this.kubernetes.makeClient(lib => lib.CustomObjectsApi);
  }

  /** The group to create Datasets in; undefined when no CRD is installed. */
  async apiGroup(): Promise<DatasetApiGroup | undefined> {
    if (this.group && this.now() - this.group.at < 30_000) {
      return this.group.value;
    }
    const apis = await this.kubernetes.makeClient(lib => lib.ApisApi);
    const served = new Set(
      (await apis.getAPIVersions()).groups.map(g => g.name),
    );
    const candidates = this.configuredGroup
      ? [this.configuredGroup]
      : DATASET_API_GROUPS;
    const value = candidates.find(g => served.has(g));
    this.group = { at: this.now(), value };
    return value;
  }

  /** The group, or a 503 saying Datashim is missing. */
  async requireApiGroup(): Promise<DatasetApiGroup> {
    const group = await this.apiGroup();
    if (!group) throw new ServiceUnavailableError(datashimMissingMessage());
    return group;
  }

  /** The Datasets of a namespace, every group the cluster serves. */
  async listObjects(namespace: string): Promise<any[]> {
    const items = await this.listEachGroup(
      custom => group =>
        custom.listNamespacedCustomObject({
          group,
          version: VERSION,
          namespace,
          plural: PLURAL,
        }),
    );
    const byName = new Map<string, any>();
    for (const item of items) {
      const name = item?.metadata?.name;
      if (name && !byName.has(name)) byName.set(name, item);
    }
    return [...byName.values()].sort((a, b) =>
      a.metadata.name.localeCompare(b.metadata.name),
    );
  }

  /** The admin's shared Datasets in every namespace: one list per group. */
  async listSharedEverywhere(): Promise<any[]> {
    return this.listEachGroup(
      custom => group =>
        custom.listClusterCustomObject({
          group,
          version: VERSION,
          plural: PLURAL,
          labelSelector: `${SHARED_DATASET_LABEL}=true`,
        }),
    );
  }

  private async listEachGroup(
    list: (custom: any) => (group: string) => Promise<any>,
  ): Promise<any[]> {
    const inGroup = list(await this.custom());
    const items: any[] = [];
    for (const group of DATASET_API_GROUPS) {
      try {
        items.push(...(((await inGroup(group)) as any)?.items ?? []));
      } catch (error) {
        // This group's CRD is not installed.
        if (!isNotFound(error)) throw error;
      }
    }
    return items;
  }

  async find(namespace: string, name: string): Promise<any> {
    const found = (await this.listObjects(namespace)).find(
      i => i.metadata?.name === name,
    );
    if (!found) {
      throw new NotFoundError(`No dataset '${name}' in ${namespace}`);
    }
    return found;
  }

  /**
   * Creates the Secret and the Dataset; a clear 409 when the name is taken
   * (by a Dataset or by a volume claim Datashim's PVC would collide with).
   * Nothing is left behind when a step fails.
   */
  async createS3(
    namespace: string,
    input: S3DatasetInput,
    labels: Record<string, string> = {},
  ): Promise<any> {
    const group = await this.requireApiGroup();
    const existing = await this.listObjects(namespace);
    if (existing.some(i => i.metadata?.name === input.name)) {
      throw new ConflictError(`A dataset named '${input.name}' already exists`);
    }
    const core = await this.kubernetes.makeClient(lib => lib.CoreV1Api);
    const claim = await core
      .readNamespacedPersistentVolumeClaim({ name: input.name, namespace })
      .catch(error => {
        if (isNotFound(error)) return undefined;
        throw error;
      });
    if (claim) {
      throw new ConflictError(
        `The name '${input.name}' is taken by a volume claim of this profile: choose another`,
      );
    }
    // A leftover Secret of an earlier attempt is replaced: it is Knot's.
    await core
      .deleteNamespacedSecret({
        name: datasetSecretName(input.name),
        namespace,
      })
      .catch(error => {
        if (!isNotFound(error)) throw error;
      });
    await core.createNamespacedSecret({
      namespace,
      body: s3SecretObject(namespace, input, labels),
    });
    try {
      const custom = await this.custom();
      return await custom.createNamespacedCustomObject({
        group,
        version: VERSION,
        namespace,
        plural: PLURAL,
        body: s3DatasetObject(group, namespace, input, labels),
      });
    } catch (error) {
      await core
        .deleteNamespacedSecret({
          name: datasetSecretName(input.name),
          namespace,
        })
        .catch(() => {});
      if (isConflict(error)) {
        throw new ConflictError(
          `A dataset named '${input.name}' already exists`,
        );
      }
      throw error;
    }
  }

  /** Deletes the Dataset (whatever its group) and its Secret. */
  async delete(namespace: string, item: any): Promise<void> {
    const [group] = String(item.apiVersion).split('/');
    const name = item.metadata.name as string;
    const custom = await this.custom();
    await custom
      .deleteNamespacedCustomObject({
        group,
        version: VERSION,
        namespace,
        plural: PLURAL,
        name,
      })
      .catch(error => {
        if (!isNotFound(error)) throw error;
      });
    const core = await this.kubernetes.makeClient(lib => lib.CoreV1Api);
    await core
      .deleteNamespacedSecret({ name: datasetSecretName(name), namespace })
      .catch(error => {
        if (!isNotFound(error)) throw error;
      });
  }
}

export function datashimMissingMessage(): string {
  return `Datasets are not available: Datashim's Dataset resource (${DATASET_API_GROUPS.join(
    ' or ',
  )}) is not installed in this cluster. Ask an administrator to install Datashim.`;
}

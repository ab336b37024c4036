/**
 * The Knot dataset API (`/api/knot/datasets`) as both ends see it: Datashim
 * Datasets of the acting profile, mounted in its containers at
 * `/mnt/datasets/<name>`. Credentials go in, never come out.
 */

import { DATASETS_MOUNT_PATH } from './profiles';

/**
 * The API groups Datashim's Dataset CRD has used, the newer first: the portal
 * creates in the first one the cluster serves, the webhook mounts from both.
 */
export const DATASET_API_GROUPS = ['datashim.io', 'com.ie.ibm.hpsys'] as const;
export type DatasetApiGroup = (typeof DATASET_API_GROUPS)[number];

/** Dataset types the portal creates. */
export type KnotDatasetType = 's3';

/** ready: mountable; pending: Datashim has not finished; error: see `reason`. */
export type KnotDatasetStatus = 'ready' | 'pending' | 'error';

/**
 * Datashim's `status.provision.status` of a Dataset in Knot's words, for the
 * portal (what it shows) and the webhook (an `error` one is not mounted: its
 * claim never comes).
 */
export function datasetProvisionStatus(dataset: any): KnotDatasetStatus {
  switch (dataset?.status?.provision?.status) {
    case 'OK':
      return 'ready';
    case 'Failed':
    case 'Disabled':
      return 'error';
    default:
      return 'pending';
  }
}

export interface KnotDataset {
  name: string;
  type: KnotDatasetType;
  endpoint: string;
  bucket: string;
  /** Folder inside the bucket; '' for the whole bucket. */
  prefix: string;
  region: string;
  readOnly: boolean;
  /** Defined by an admin for every profile: read-only, not deletable here. */
  shared: boolean;
  status: KnotDatasetStatus;
  /** Datashim's words when pending or failed. */
  reason?: string;
  /** Where it appears inside containers. */
  mountPath: string;
  /** Services (helm releases) whose pods mount it now. */
  mountedBy: string[];
}

export interface KnotDatasetList {
  /** False when Datashim's Dataset CRD is not installed in the cluster. */
  available: boolean;
  /** Why the page is disabled, when `available` is false. */
  message?: string;
  items: KnotDataset[];
}

/** POST /datasets and POST /datasets/test. */
export interface KnotS3DatasetRequest {
  name: string;
  type: KnotDatasetType;
  /** http(s) URL of the S3 service. */
  endpoint: string;
  bucket: string;
  prefix?: string;
  region?: string;
  accessKey: string;
  secretKey: string;
  readOnly?: boolean;
}

/** A successful "Test connection": the bucket (or prefix) was listed. */
export interface KnotDatasetConnectionResult {
  ok: true;
  /** Objects found (at most `DATASET_OBJECT_COUNT_LIMIT`). */
  objectCount: number;
  /** More objects than were counted. */
  truncated: boolean;
  message: string;
}

/** How many objects "Test connection" counts at most (one listing page). */
export const DATASET_OBJECT_COUNT_LIMIT = 1000;

/** Where a dataset appears inside containers. */
export function datasetMountPath(name: string): string {
  return `${DATASETS_MOUNT_PATH}/${name}`;
}

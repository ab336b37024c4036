import type { Config } from '@backstage/config';

/** The Dataset CRD groups Datashim has used: the newer first. */
export const DATASET_API_GROUPS = ['datashim.io', 'com.ie.ibm.hpsys'] as const;
export type DatasetApiGroup = (typeof DATASET_API_GROUPS)[number];

/** `knot.datasets`. */
export interface DatasetsConfig {
  /** The Dataset group to create; unset: whichever the cluster serves. */
  apiGroup?: DatasetApiGroup;
  /** How long "Test connection" waits for the S3 endpoint. */
  connectTimeoutMs: number;
}

export function readDatasetsConfig(config: Config): DatasetsConfig {
  const apiGroup = config.getOptionalString('knot.datasets.apiGroup');
  if (
    apiGroup !== undefined &&
    !DATASET_API_GROUPS.includes(apiGroup as DatasetApiGroup)
  ) {
    throw new Error(
      `knot.datasets.apiGroup must be one of ${DATASET_API_GROUPS.join(
        ', ',
      )}, not '${apiGroup}'`,
    );
  }
  return {
    apiGroup: apiGroup as DatasetApiGroup | undefined,
    connectTimeoutMs:
      config.getOptionalNumber('knot.datasets.connectTimeoutMs') ?? 10_000,
  };
}

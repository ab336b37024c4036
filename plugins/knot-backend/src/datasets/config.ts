import type { Config } from '@backstage/config';
import {
  DATASET_API_GROUPS,
  type DatasetApiGroup,
} from '@knot-platform/plugin-knot-common';
import { parseS3DatasetInput } from './datasetInput';
import type { EndpointPolicy } from './endpointPolicy';
import type { SharedDatasetConfig } from './SharedDatasets';

/** `knot.datasets`. */
export interface DatasetsConfig extends EndpointPolicy {
  /** The Dataset group to create; unset: whichever the cluster serves. */
  apiGroup?: DatasetApiGroup;
  /** How long "Test connection" waits for the S3 endpoint. */
  connectTimeoutMs: number;
  /** Datasets an admin shares read-only with every profile. */
  shared: SharedDatasetConfig[];
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
    allowedHosts:
      config.getOptionalStringArray('knot.datasets.allowedEndpoints') ?? [],
    shared: (config.getOptionalConfigArray('knot.datasets.shared') ?? []).map(
      (entry, i) => {
        try {
          const { readOnly: _readOnly, ...dataset } = parseS3DatasetInput({
            type: 's3',
            ...entry.get<object>(),
          });
          return dataset;
        } catch (error) {
          throw new Error(
            `knot.datasets.shared[${i}]: ${(error as Error).message}`,
          );
        }
      },
    ),
  };
}

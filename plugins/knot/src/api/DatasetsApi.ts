import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  KnotDatasetConnectionResult,
  KnotDatasetList,
  KnotDataset,
  KnotS3DatasetRequest,
} from '@knot-platform/plugin-knot-common';

/** The acting profile's datasets (`/api/knot/datasets`). */
export interface DatasetsApi {
  listDatasets(): Promise<KnotDatasetList>;
  /** Lists the bucket with the keys; nothing is saved. */
  testDataset(
    request: KnotS3DatasetRequest,
  ): Promise<KnotDatasetConnectionResult>;
  createDataset(request: KnotS3DatasetRequest): Promise<KnotDataset>;
  deleteDataset(name: string): Promise<void>;
}

export const datasetsApiRef = createApiRef<DatasetsApi>({
  id: 'plugin.knot.datasets',
});

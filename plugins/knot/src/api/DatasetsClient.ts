import type {
  KnotDataset,
  KnotDatasetConnectionResult,
  KnotDatasetList,
  KnotS3DatasetRequest,
} from '@knot-platform/plugin-knot-common';
import type { DatasetsApi } from './DatasetsApi';
import { KnotFetch, type KnotFetchOptions } from './KnotFetch';

/** Talks to knot-backend's `/api/knot/datasets` as the selected profile. */
export class DatasetsClient implements DatasetsApi {
  private readonly backend: KnotFetch;

  constructor(options: KnotFetchOptions) {
    this.backend = new KnotFetch(options);
  }

  listDatasets(): Promise<KnotDatasetList> {
    return this.backend.json<KnotDatasetList>('/datasets');
  }

  testDataset(
    request: KnotS3DatasetRequest,
  ): Promise<KnotDatasetConnectionResult> {
    return this.backend.json<KnotDatasetConnectionResult>('/datasets/test', {
      method: 'POST',
      json: request,
    });
  }

  createDataset(request: KnotS3DatasetRequest): Promise<KnotDataset> {
    return this.backend.json<KnotDataset>('/datasets', {
      method: 'POST',
      json: request,
    });
  }

  async deleteDataset(name: string): Promise<void> {
    await this.backend.fetch(`/datasets/${encodeURIComponent(name)}`, {
      method: 'DELETE',
    });
  }
}

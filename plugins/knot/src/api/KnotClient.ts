import type { FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { KnotHealth } from '@internal/plugin-knot-common';
import type { KnotApi } from './KnotApi';

/** Talks to knot-backend through the app's authenticated fetch. */
export class KnotClient implements KnotApi {
  private readonly fetchApi: FetchApi;

  constructor(options: { fetchApi: FetchApi }) {
    this.fetchApi = options.fetchApi;
  }

  async getHealth(): Promise<KnotHealth> {
    return this.get<KnotHealth>('/health');
  }

  private async get<T>(path: string): Promise<T> {
    // plugin:// URLs are resolved to the knot backend by the fetch API.
    const response = await this.fetchApi.fetch(`plugin://knot${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

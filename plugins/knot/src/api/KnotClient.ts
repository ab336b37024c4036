import type { FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  KnotHealth,
  KnotServiceList,
  KnotServiceValues,
} from '@internal/plugin-knot-common';
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

  async listServices(): Promise<KnotServiceList> {
    return this.get<KnotServiceList>('/services');
  }

  async getServiceValues(name: string): Promise<KnotServiceValues> {
    return this.get<KnotServiceValues>(
      `/services/${encodeURIComponent(name)}/values`,
    );
  }

  async deleteService(name: string): Promise<void> {
    await this.send('DELETE', `/services/${encodeURIComponent(name)}`);
  }

  async startServiceSession(rd?: string): Promise<{ redirect?: string }> {
    const response = await this.send('POST', '/forward-auth/session', { rd });
    return response.status === 204 ? {} : response.json();
  }

  private async get<T>(path: string): Promise<T> {
    return (await (await this.send('GET', path)).json()) as T;
  }

  private async send(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<Response> {
    // plugin:// URLs are resolved to the knot backend by the fetch API.
    const response = await this.fetchApi.fetch(`plugin://knot${path}`, {
      method,
      credentials: 'include',
      ...(body !== undefined && {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }
}

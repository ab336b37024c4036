import type {
  DiscoveryApi,
  FetchApi,
  IdentityApi,
} from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { PROFILE_HEADER } from '@knot-platform/plugin-knot-common';
import { readSelectedProfile } from './selectedProfile';

/** The backend plugin every Knot client talks to. */
const PLUGIN_ID = 'knot';

export interface KnotFetchOptions {
  fetchApi: FetchApi;
  /** Only for uploads, which bypass the fetch API: where knot-backend is. */
  discoveryApi: DiscoveryApi;
  /** Only for uploads, which bypass the fetch API: the Backstage token. */
  identityApi: IdentityApi;
  /** Where the selected profile is kept (default: the browser's storage). */
  storage?: Storage;
}

/** One call to knot-backend: its method and, if any, its JSON body. */
export interface KnotRequest {
  method?: string;
  json?: unknown;
  /** Stops the call (and the reading of a streamed body). */
  signal?: AbortSignal;
  /** Acts as this profile instead of the selected one (a form's choice). */
  profile?: string;
}

/** A transfer under way: its result, and a way to stop it. */
export interface KnotTransfer<T> {
  done: Promise<T>;
  cancel(): void;
}

/**
 * The one way the Knot clients call knot-backend: paths below `/api/knot`
 * through the app's authenticated fetch (`plugin://knot/...`), as the
 * selected profile ({@link PROFILE_HEADER}) on every call, and every refusal
 * or failure thrown as a ResponseError.
 */
export class KnotFetch {
  constructor(private readonly options: KnotFetchOptions) {}

  /** Calls `path` (e.g. `/teams`); answers only a 2xx response. */
  async fetch(path: string, request: KnotRequest = {}): Promise<Response> {
    const { json } = request;
    const response = await this.options.fetchApi.fetch(
      `plugin://${PLUGIN_ID}${path}`,
      {
        method: request.method ?? 'GET',
        headers: {
          ...this.profileHeaders(request.profile),
          ...(json !== undefined && { 'content-type': 'application/json' }),
        },
        body: json === undefined ? undefined : JSON.stringify(json),
        // The backend is another origin in development; forward-auth's
        // session cookie must be accepted from it.
        credentials: 'include',
        signal: request.signal,
      },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }

  /** Calls `path` and answers its JSON body (undefined for 204). */
  async json<T>(path: string, request: KnotRequest = {}): Promise<T> {
    const response = await this.fetch(path, request);
    if (response.status === 204) {
      return undefined as T;
    }
    return (await response.json()) as T;
  }

  /**
   * PUTs `body` as is to `path` with XMLHttpRequest, the only browser API
   * that reports upload progress; same token and profile as every call.
   */
  put<T>(
    path: string,
    body: Blob,
    onProgress: (sent: number, total: number) => void,
  ): KnotTransfer<T> {
    const xhr = new XMLHttpRequest();
    let cancelled = false;
    const done = (async () => {
      const [base, { token }] = await Promise.all([
        this.options.discoveryApi.getBaseUrl(PLUGIN_ID),
        this.options.identityApi.getCredentials(),
      ]);
      if (cancelled) throw new Error('Cancelled');
      return new Promise<T>((resolve, reject) => {
        xhr.open('PUT', `${base}${path}`);
        xhr.setRequestHeader('Content-Type', 'application/octet-stream');
        if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
        for (const [header, value] of Object.entries(this.profileHeaders())) {
          xhr.setRequestHeader(header, value);
        }
        xhr.upload.onprogress = e => onProgress(e.loaded, e.total || body.size);
        xhr.onload = () => {
          if (xhr.status >= 200 && xhr.status < 300) {
            resolve(JSON.parse(xhr.responseText) as T);
          } else {
            ResponseError.fromResponse(responseOf(xhr)).then(reject, reject);
          }
        };
        xhr.onerror = () =>
          reject(
            new Error(
              'The upload failed: the connection to the portal was lost',
            ),
          );
        xhr.onabort = () => reject(new Error('Cancelled'));
        xhr.send(body);
      });
    })();
    return {
      done,
      cancel: () => {
        cancelled = true;
        xhr.abort();
      },
    };
  }

  private profileHeaders(chosen?: string): Record<string, string> {
    const profile = chosen || readSelectedProfile(this.options.storage);
    return profile ? { [PROFILE_HEADER]: profile } : {};
  }
}

/** A finished XMLHttpRequest as a fetch Response, for ResponseError. */
function responseOf(xhr: XMLHttpRequest): Response {
  return new Response(xhr.responseText, {
    status: xhr.status,
    statusText: xhr.statusText,
    headers: { 'content-type': xhr.getResponseHeader('content-type') ?? '' },
  });
}

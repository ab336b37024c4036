import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { deserializeError, parseErrorResponseBody } from '@backstage/errors';
import {
  PROFILE_HEADER,
  type ActingProfiles,
  type KnotCatalogEntities,
  type KnotEntityProviderName,
  type KnotServiceInstallEvent,
  type KnotServiceInstallRequest,
  type KnotServiceInstallResult,
  type ProfileAccessAnswer,
} from '@knot-platform/plugin-knot-common';
import type { KnotInstallOptions, KnotService } from './KnotService';
import { ndjsonLines } from './ndjsonLines';

/** Whether `fetch` failed because the connection was closed under it. */
function isConnectionReset(error: unknown): boolean {
  const code = (error as { cause?: { code?: string } })?.cause?.code;
  return ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'].includes(code ?? '');
}

/** The knot plugin's id, which its routes are discovered by. */
const KNOT_PLUGIN_ID = 'knot';

/** KnotService over HTTP: the knot plugin's service-only routes. */
export class DefaultKnotService implements KnotService {
  constructor(
    private readonly deps: { discovery: DiscoveryService; auth: AuthService },
  ) {}

  /** A request to the knot plugin, as this plugin or on behalf of `onBehalfOf`. */
  private async fetch(
    path: string,
    request: Omit<RequestInit, 'headers'> & {
      headers?: Record<string, string>;
    } = {},
    onBehalfOf?: BackstageCredentials,
  ): Promise<Response> {
    const { auth, discovery } = this.deps;
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: onBehalfOf ?? (await auth.getOwnServiceCredentials()),
      targetPluginId: KNOT_PLUGIN_ID,
    });
    const url = `${await discovery.getBaseUrl(KNOT_PLUGIN_ID)}${path}`;
    const init = {
      ...request,
      headers: { ...request.headers, Authorization: `Bearer ${token}` },
    };
    let response: Response;
    try {
      response = await fetch(url, init);
    } catch (error) {
      // A kept-alive connection the server closed just as it was reused:
      // a read is safe to send again, once.
      if (request.method && request.method !== 'GET') throw error;
      if (!isConnectionReset(error)) throw error;
      response = await fetch(url, init);
    }
    if (!response.ok) {
      // The knot plugin's own error, in its words (e.g. a NotAllowedError
      // saying which profile may not be acted as): task logs show it.
      throw deserializeError((await parseErrorResponseBody(response)).error);
    }
    return response;
  }

  private async get<T>(path: string): Promise<T> {
    return (await (await this.fetch(path)).json()) as T;
  }

  async profileAccess(
    profile: string,
    userRef?: string,
  ): Promise<ProfileAccessAnswer> {
    const query = userRef ? `?user=${encodeURIComponent(userRef)}` : '';
    return this.get(`/profile-access/${encodeURIComponent(profile)}${query}`);
  }

  async actingProfiles(userRef: string): Promise<ActingProfiles> {
    return this.get(`/acting-profiles?user=${encodeURIComponent(userRef)}`);
  }

  async catalogEntities(
    provider: KnotEntityProviderName,
  ): Promise<KnotCatalogEntities> {
    return this.get(`/catalog/entities/${encodeURIComponent(provider)}`);
  }

  async installService(
    request: KnotServiceInstallRequest & { profile?: string },
    options: KnotInstallOptions,
  ): Promise<KnotServiceInstallResult> {
    const { profile, ...body } = request;
    const response = await this.fetch(
      '/services',
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/x-ndjson',
          ...(profile?.trim() ? { [PROFILE_HEADER]: profile.trim() } : {}),
        },
        body: JSON.stringify(body),
      },
      options.credentials,
    );
    for await (const line of ndjsonLines(response)) {
      const event = JSON.parse(line) as KnotServiceInstallEvent;
      if (event.type === 'log') options.onLog?.(event.message);
      else if (event.type === 'result') return event.result;
      else throw deserializeError(event.error);
    }
    throw new Error('The knot plugin ended the install without a result');
  }
}

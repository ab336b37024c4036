import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RegistryConfig } from './config';
import { isFileBody, writeFileBody, type FileBody } from './fileBody';

/** Media types a manifest GET accepts: images and indexes, OCI and Docker. */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];

const pull = (repository: string) => `repository:${repository}:pull`;
const push = (repository: string) => `repository:${repository}:pull,push`;

/** The next page of a `Link: <...>; rel="next"` header. */
function nextLink(link: string | null): string | undefined {
  return link ? /<([^>]+)>;\s*rel="?next"?/.exec(link)?.[1] : undefined;
}

/**
 * Sends a streamed body with node:http(s), answering a fetch `Response`:
 * fetch (undici) spent about 3× the CPU per byte on a blob's stream, which
 * bounded uploads to ~150 MiB/s on this machine (bench/images/blob.sh).
 * `signal` aborts the request.
 */
function sendStreamed(
  method: string,
  url: string,
  headers: Record<string, string>,
  body: AsyncIterable<Uint8Array> | FileBody,
  signal?: AbortSignal,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = (target.protocol === 'https:' ? https : http).request(
      target,
      {
        method,
        headers: isFileBody(body)
          ? { ...headers, 'Content-Length': String(body.size) }
          : headers,
        signal,
      },
      res => {
        const answer = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          for (const v of [value ?? []].flat()) answer.append(name, v);
        }
        resolve(
          new Response(Readable.toWeb(res) as ReadableStream, {
            status: res.statusCode,
            statusText: res.statusMessage,
            headers: answer,
          }),
        );
      },
    );
    req.on('error', reject);
    // The body's failure (or the socket's) ends the request, unanswered.
    (isFileBody(body) ? writeFileBody(body, req) : pipeline(body, req)).catch(
      error => {
        req.destroy(error);
        reject(error);
      },
    );
  });
}

/** An error of the registry, with the status Knot answers it with. */
export class RegistryError extends Error {
  readonly statusCode: number;
  /** The registry's own error code (`DIGEST_INVALID`, ...), when it gave one. */
  readonly code?: string;
  constructor(message: string, statusCode: number, code?: string) {
    super(message);
    this.name = 'RegistryError';
    this.statusCode = statusCode;
    this.code = code;
  }
}

/** A manifest as stored. */
export interface StoredManifest {
  digest: string;
  mediaType: string;
  body: Buffer;
}

type Body = Buffer | AsyncIterable<Uint8Array> | FileBody;

/**
 * A client of the distribution API (`/v2/`) with the portal's credentials:
 * Basic to the registry itself, or a Bearer token from the registry's token
 * service when it asks for one (Harbor). Blobs go up as one streamed PATCH
 * of a chunked upload session, so no layer is ever held in memory.
 */
export class RegistryClient {
  private readonly tokens = new Map<string, string>();

  constructor(private readonly config: RegistryConfig) {}

  /** Every repository of the registry (`_catalog`, followed page by page). */
  async catalog(): Promise<string[]> {
    const names: string[] = [];
    let next: string | undefined = '/v2/_catalog?n=1000';
    while (next) {
      const res = await this.request('GET', next, 'registry:catalog:*');
      await this.expect(res, [200], 'list the repositories');
      names.push(...(((await res.json()) as any).repositories ?? []));
      next = nextLink(res.headers.get('link'));
    }
    return names;
  }

  /** The repository's tags; none when it does not exist (any more). */
  async tags(repository: string): Promise<string[]> {
    const tags: string[] = [];
    let next: string | undefined = `/v2/${repository}/tags/list?n=1000`;
    while (next) {
      const res = await this.request('GET', next, pull(repository));
      if (res.status === 404) return tags;
      await this.expect(res, [200], `list the tags of ${repository}`);
      tags.push(...(((await res.json()) as any).tags ?? []));
      next = nextLink(res.headers.get('link'));
    }
    return tags;
  }

  async manifest(
    repository: string,
    reference: string,
  ): Promise<StoredManifest | undefined> {
    const res = await this.request(
      'GET',
      `/v2/${repository}/manifests/${reference}`,
      pull(repository),
      { headers: { Accept: MANIFEST_MEDIA_TYPES.join(', ') } },
    );
    if (res.status === 404) return undefined;
    await this.expect(res, [200], `read ${repository}:${reference}`);
    const body = Buffer.from(await res.arrayBuffer());
    return {
      digest: res.headers.get('docker-content-digest') ?? '',
      mediaType: res.headers.get('content-type') ?? '',
      body,
    };
  }

  /** A small blob (an image config), whole. */
  async blob(repository: string, digest: string): Promise<Buffer> {
    const res = await this.request(
      'GET',
      `/v2/${repository}/blobs/${digest}`,
      pull(repository),
    );
    await this.expect(res, [200], `read ${digest} of ${repository}`);
    return Buffer.from(await res.arrayBuffer());
  }

  async hasBlob(repository: string, digest: string): Promise<boolean> {
    return (await this.blobSize(repository, digest)) !== undefined;
  }

  /** The size of the blob in the repository, or undefined when it lacks it. */
  async blobSize(
    repository: string,
    digest: string,
  ): Promise<number | undefined> {
    const res = await this.request(
      'HEAD',
      `/v2/${repository}/blobs/${digest}`,
      push(repository),
    );
    if (res.status === 404) return undefined;
    await this.expect(res, [200], `look up ${digest} in ${repository}`);
    return Number(res.headers.get('content-length') ?? NaN);
  }

  /**
   * Uploads a blob: one upload session, the body streamed in one PATCH,
   * then closed with the digest `digestOf` answers once the body was read
   * (it throws on a corrupt blob: the session is then cancelled, nothing
   * is stored). The registry refuses content that is not that digest
   * (`DIGEST_INVALID`, 422). `signal` aborts the body's request.
   */
  async pushBlob(
    repository: string,
    body: Body,
    digestOf: () => string,
    signal?: AbortSignal,
  ): Promise<void> {
    const scope = push(repository);
    const started = await this.request(
      'POST',
      `/v2/${repository}/blobs/uploads/`,
      scope,
    );
    await this.expect(started, [202], `start an upload to ${repository}`);
    let location = this.location(started);
    // The body's own failure (a truncated or corrupt archive) is the one
    // to report, not the aborted request it causes.
    let bodyFailure: unknown;
    const guard = async function* guard(stream: AsyncIterable<Uint8Array>) {
      try {
        yield* stream;
      } catch (error) {
        bodyFailure = error;
        throw error;
      }
    };
    const guarded =
      Buffer.isBuffer(body) || isFileBody(body) ? body : guard(body);
    try {
      const patched = await this.request('PATCH', location, scope, {
        headers: { 'Content-Type': 'application/octet-stream' },
        body: guarded,
        signal,
      }).catch(error => {
        throw bodyFailure ?? (signal?.aborted ? signal.reason : error);
      });
      await this.expect(patched, [202], `upload to ${repository}`);
      location = this.location(patched);
      const url = new URL(location, this.config.url);
      url.searchParams.set('digest', digestOf());
      const done = await this.request('PUT', url.href, scope);
      await this.expect(done, [201], `upload to ${repository}`);
    } catch (error) {
      await this.request('DELETE', location, scope).then(
        res => res.body?.cancel(),
        () => undefined,
      );
      throw error;
    }
  }

  async putManifest(
    repository: string,
    reference: string,
    mediaType: string,
    body: Buffer,
  ): Promise<void> {
    const res = await this.request(
      'PUT',
      `/v2/${repository}/manifests/${reference}`,
      push(repository),
      { headers: { 'Content-Type': mediaType }, body },
    );
    await this.expect(res, [201], `store ${repository}:${reference}`);
  }

  /** Deletes a manifest by digest (with every tag on it) or a tag alone. */
  async deleteManifest(repository: string, reference: string): Promise<void> {
    const res = await this.request(
      'DELETE',
      `/v2/${repository}/manifests/${reference}`,
      `repository:${repository}:delete`,
    );
    if (res.status === 404) return;
    await this.expect(res, [202], `delete ${repository}:${reference}`);
  }

  /** Removes a blob from a repository; registries may refuse (no matter). */
  async deleteBlob(repository: string, digest: string): Promise<void> {
    const res = await this.request(
      'DELETE',
      `/v2/${repository}/blobs/${digest}`,
      `repository:${repository}:delete`,
    ).catch(() => undefined);
    await res?.body?.cancel();
  }

  private location(res: Response): string {
    const location = res.headers.get('location');
    if (!location) {
      throw new RegistryError('The registry answered without a location', 502);
    }
    return new URL(location, this.config.url).href;
  }

  private async request(
    method: string,
    pathOrUrl: string,
    scope: string,
    init: {
      headers?: Record<string, string>;
      body?: Body;
      signal?: AbortSignal;
    } = {},
  ): Promise<Response> {
    const url = new URL(pathOrUrl, this.config.url).href;
    const streamed = init.body && !Buffer.isBuffer(init.body) && init.body;
    const send = (authorization?: string) => {
      const headers = {
        ...init.headers,
        ...(authorization ? { Authorization: authorization } : {}),
      };
      return (
        streamed
          ? sendStreamed(method, url, headers, streamed, init.signal)
          : fetch(url, {
              method,
              headers,
              body: init.body as BodyInit | undefined,
              redirect: 'follow',
              signal: init.signal,
            } as RequestInit)
      ).catch(error => {
        throw new RegistryError(
          `The registry cannot be reached: ${
            error.cause?.message ?? error.message
          }`,
          503,
        );
      });
    };
    const res = await send(this.authorization(scope));
    const challenge = res.headers.get('www-authenticate') ?? '';
    // A streamed body cannot be sent twice: uploads start with a POST of
    // the same scope, which gets the token first.
    if (res.status !== 401 || !/^Bearer /i.test(challenge) || streamed) {
      return res;
    }
    await res.body?.cancel();
    this.tokens.set(scope, await this.token(challenge, scope));
    return send(this.authorization(scope));
  }

  private authorization(scope: string): string | undefined {
    const token = this.tokens.get(scope);
    if (token) return `Bearer ${token}`;
    const { credentials } = this.config;
    if (!credentials) return undefined;
    return `Basic ${Buffer.from(
      `${credentials.username}:${credentials.password}`,
    ).toString('base64')}`;
  }

  /** A token of the registry's token service (the challenge's realm). */
  private async token(challenge: string, scope: string): Promise<string> {
    const params = Object.fromEntries(
      [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map(m => [m[1], m[2]]),
    );
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', params.scope ?? scope);
    const { credentials } = this.config;
    const res = await fetch(url, {
      headers: credentials
        ? {
            Authorization: `Basic ${Buffer.from(
              `${credentials.username}:${credentials.password}`,
            ).toString('base64')}`,
          }
        : {},
    });
    await this.expect(res, [200], 'sign in');
    const body = (await res.json()) as {
      token?: string;
      access_token?: string;
    };
    return body.token ?? body.access_token ?? '';
  }

  /** Throws the registry's own words unless the status is expected. */
  private async expect(
    res: Response,
    statuses: number[],
    what: string,
  ): Promise<void> {
    if (statuses.includes(res.status)) return;
    const text = await res.text().catch(() => '');
    let codes: Array<{ code?: string; message?: string }> = [];
    try {
      codes = JSON.parse(text).errors ?? [];
    } catch {
      // Not the distribution API's error body.
    }
    const words =
      codes.map(e => e.message ?? e.code).join('; ') || `HTTP ${res.status}`;
    const code = codes[0]?.code;
    if (code === 'DIGEST_INVALID' || code === 'BLOB_UPLOAD_INVALID') {
      throw new RegistryError(
        `The registry refused the image's content (${words})`,
        422,
        code,
      );
    }
    if (/quota/i.test(words)) {
      throw new RegistryError(
        `The registry's quota is exceeded (${words})`,
        413,
      );
    }
    if (res.status === 401 || res.status === 403) {
      throw new RegistryError(
        `The registry refused the portal's credentials to ${what} (${words})`,
        502,
      );
    }
    throw new RegistryError(`The registry could not ${what}: ${words}`, 502);
  }
}

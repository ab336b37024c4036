import crypto from 'node:crypto';
import { parseAuthChallenge, type AuthChallenge } from './authChallenge';

/** Registry credentials from config; never logged nor put in templates. */
export interface RegistryCredentials {
  username?: string;
  password?: string;
  /** A bearer token sent as is (e.g. an identity token); else the challenge flow. */
  token?: string;
}

export interface OciRegistryClientOptions {
  credentials?: RegistryCredentials;
  /** Talk plain HTTP instead of HTTPS (local registries only). */
  plainHttp?: boolean;
  /** Per request. @default 15000 */
  timeoutMs?: number;
}

/** A registry answer Knot cannot use; `status` is the HTTP status when there was one. */
export class RegistryError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'RegistryError';
  }
}

/** One image/artifact manifest (the parts Knot reads). */
export interface OciManifest {
  mediaType?: string;
  config?: { mediaType: string; digest: string; size?: number };
  layers?: { mediaType: string; digest: string; size?: number }[];
}

export const OCI_MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';

/**
 * A read-only client of the OCI distribution API with the authentication
 * registries use: a 401 carries a `WWW-Authenticate` challenge, either
 * `Basic` (credentials on each request) or `Bearer` (a token for the scope
 * from the challenge's realm, fetched with the credentials, as Harbor and
 * distribution do). Tokens are reused until they expire.
 */
export class OciRegistryClient {
  private readonly tokens = new Map<
    string,
    { header: string; expires: number }
  >();
  private basic = false;

  constructor(
    /** `host[:port]` */
    readonly host: string,
    private readonly options: OciRegistryClientOptions = {},
  ) {}

  get baseUrl(): string {
    return `${this.options.plainHttp ? 'http' : 'https'}://${this.host}`;
  }

  /** GET `path` (from `/v2/…` or `/api/…`); throws RegistryError unless 2xx. */
  async get(
    path: string,
    scope: string,
    accept?: string,
    /** Send Basic credentials up front (Harbor's own API has no challenge). */
    basic = false,
  ): Promise<Response> {
    const url = new URL(path, this.baseUrl).toString();
    const first = (basic && this.basicHeader()) || this.cachedAuth(scope);
    let response = await this.send(url, first, accept);
    if (response.status === 401) {
      const challenge = parseAuthChallenge(
        response.headers.get('www-authenticate'),
      );
      await response.body?.cancel();
      const header = await this.authorize(challenge, scope);
      response = await this.send(url, header, accept);
      if (response.status === 401) {
        await response.body?.cancel();
        throw new RegistryError(
          `${this.baseUrl} refused the configured credentials (HTTP 401)`,
          401,
        );
      }
    }
    if (!response.ok) {
      const detail = await response.text().catch(() => '');
      throw new RegistryError(
        `${path} answered HTTP ${response.status}${
          detail ? `: ${registryErrorText(detail)}` : ''
        }`,
        response.status,
      );
    }
    return response;
  }

  async json<T>(
    path: string,
    scope: string,
    accept?: string,
    basic = false,
  ): Promise<T> {
    return (await (await this.get(path, scope, accept, basic)).json()) as T;
  }

  /** Every repository of the registry (`/v2/_catalog`, following `Link` pages). */
  async catalog(): Promise<string[]> {
    const repositories: string[] = [];
    let next: string | undefined = '/v2/_catalog?n=1000';
    for (let page = 0; next && page < 100; page++) {
      const response = await this.get(next, 'registry:catalog:*');
      const body = (await response.json()) as { repositories?: string[] };
      repositories.push(...(body.repositories ?? []));
      next = nextLink(response.headers.get('link'));
    }
    return repositories;
  }

  async tags(repository: string): Promise<string[]> {
    const body = await this.json<{ tags?: string[] | null }>(
      `/v2/${repository}/tags/list`,
      pullScope(repository),
    );
    return body.tags ?? [];
  }

  async manifest(repository: string, reference: string): Promise<OciManifest> {
    return this.json<OciManifest>(
      `/v2/${repository}/manifests/${reference}`,
      pullScope(repository),
      OCI_MANIFEST_TYPE,
    );
  }

  /** A blob, checked against its digest. */
  async blob(repository: string, digest: string): Promise<Buffer> {
    const response = await this.get(
      `/v2/${repository}/blobs/${digest}`,
      pullScope(repository),
    );
    const data = Buffer.from(await response.arrayBuffer());
    const [algorithm, hex] = digest.split(':');
    if (
      algorithm !== 'sha256' ||
      crypto.createHash('sha256').update(data).digest('hex') !== hex
    ) {
      throw new RegistryError(`blob ${digest} of ${repository} is corrupt`);
    }
    return data;
  }

  private async send(
    url: string,
    authorization: string | undefined,
    accept?: string,
  ): Promise<Response> {
    const headers: Record<string, string> = {};
    if (authorization) headers.Authorization = authorization;
    if (accept) headers.Accept = accept;
    try {
      // Redirects (blobs on object storage) drop Authorization cross-origin.
      return await fetch(url, {
        headers,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (e) {
      const error = e as Error & { cause?: Error };
      throw new RegistryError(
        `cannot reach ${this.baseUrl}: ${
          error.cause?.message ?? error.message
        }`,
      );
    }
  }

  private basicHeader(): string | undefined {
    const { username, password } = this.options.credentials ?? {};
    if (!username) return undefined;
    return `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString(
      'base64',
    )}`;
  }

  private cachedAuth(scope: string): string | undefined {
    if (this.options.credentials?.token) {
      return `Bearer ${this.options.credentials.token}`;
    }
    if (this.basic) return this.basicHeader();
    const cached = this.tokens.get(scope);
    return cached && cached.expires > Date.now() ? cached.header : undefined;
  }

  /** The Authorization header that answers `challenge` for `scope`. */
  private async authorize(
    challenge: AuthChallenge | undefined,
    scope: string,
  ): Promise<string> {
    if (challenge?.scheme === 'basic') {
      const header = this.basicHeader();
      if (!header) {
        throw new RegistryError(
          `${this.baseUrl} needs credentials (username/password in config)`,
          401,
        );
      }
      this.basic = true;
      return header;
    }
    if (challenge?.scheme !== 'bearer' || !challenge.params.realm) {
      throw new RegistryError(
        `${this.baseUrl} answered 401 without a usable WWW-Authenticate challenge`,
        401,
      );
    }
    const realm = new URL(challenge.params.realm, this.baseUrl);
    if (challenge.params.service) {
      realm.searchParams.set('service', challenge.params.service);
    }
    realm.searchParams.set('scope', challenge.params.scope ?? scope);
    const basic = this.basicHeader();
    let response: Response;
    try {
      response = await fetch(realm, {
        headers: basic ? { Authorization: basic } : {},
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (e) {
      const error = e as Error & { cause?: Error };
      throw new RegistryError(
        `cannot reach the token service ${realm.origin}: ${
          error.cause?.message ?? error.message
        }`,
      );
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new RegistryError(
        `the token service of ${this.baseUrl} refused ${
          basic ? 'the configured credentials' : 'anonymous access'
        } (HTTP ${response.status})`,
        response.status === 404 ? 401 : response.status,
      );
    }
    const body = (await response.json().catch(() => ({}))) as {
      token?: string;
      access_token?: string;
      expires_in?: number;
    };
    const token = body.token ?? body.access_token;
    if (!token) {
      throw new RegistryError(
        `the token service of ${this.baseUrl} answered without a token`,
      );
    }
    const header = `Bearer ${token}`;
    // Renew a little early; 60 s is the spec's default lifetime.
    const lifetime = Math.max((body.expires_in ?? 60) - 10, 5) * 1000;
    this.tokens.set(scope, { header, expires: Date.now() + lifetime });
    return header;
  }
}

/** The pull scope of a repository in token requests. */
export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

/** The `rel="next"` target of a `Link` header, if any. */
export function nextLink(link: string | null): string | undefined {
  const m = link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link) : null;
  return m?.[1];
}

/** The message of a distribution error body (`{"errors":[{"message":…}]}`). */
function registryErrorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as {
      errors?: { code?: string; message?: string }[];
    };
    const first = parsed.errors?.[0];
    if (first) return first.message ?? first.code ?? '';
  } catch {
    // not JSON
  }
  return body.slice(0, 200);
}

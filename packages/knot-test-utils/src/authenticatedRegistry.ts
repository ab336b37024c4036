import { spawn } from 'node:child_process';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './nginx';

/** One request of the registry's access log. */
export interface RegistryRequest {
  method: string;
  path: string;
  status: number;
}

/** A running registry that wants credentials, from {@link startAuthenticatedRegistry}. */
export interface AuthenticatedRegistry {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** `127.0.0.1:<port>`. */
  host: string;
  /**
   * The one user the registry accepts (Basic authentication); with token
   * authentication empty strings (the token service decides who may).
   */
  credentials: { username: string; password: string };
  /**
   * Every request it answered so far, in order: waits for the access log
   * to catch up (a marker request of its own, left out).
   */
  requests(): Promise<RegistryRequest[]>;
  /** Its storage folder (`docker/registry/v2/...`). */
  storage: string;
  stop(): Promise<void>;
}

function distributionBinary(): string {
  if (process.env.KNOT_DISTRIBUTION_BIN) {
    return process.env.KNOT_DISTRIBUTION_BIN;
  }
  const versions = readFileSync(
    resolvePackagePath(
      '@knot-platform/knot-test-utils',
      '../../dev/cluster/versions.env',
    ),
    'utf8',
  );
  const version = /^DISTRIBUTION_VERSION=(\S+)/m.exec(versions)![1];
  const cache =
    process.env.KNOT_CACHE_DIR ?? path.join(os.homedir(), '.cache/knot');
  return path.join(cache, 'bin', `distribution-${version}`, 'registry');
}

const ACCESS_LOG = /"([A-Z]+) (\S+) HTTP\/[\d.]+" (\d{3})/;

/**
 * Starts distribution's `registry` (the one `dev/cluster/cluster.sh build`
 * builds) on a free loopback port with htpasswd authentication and its own
 * disk storage, deletes enabled and the access log on. The registry
 * provisions its htpasswd file itself (user `docker`, a random password,
 * bcrypt-hashed) and logs the password once: read from its log here, so no
 * bcrypt tool is needed. Ready when `/v2/` answers 401.
 */
export async function startAuthenticatedRegistry(options?: {
  /**
   * Token authentication instead of htpasswd (as Harbor runs its
   * registry): tokens of this service, signed with a key of `jwks`.
   */
  token?: { realm: string; service: string; issuer: string; jwks: object };
}): Promise<AuthenticatedRegistry> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'knot-registry-'));
  const port = await freePort();
  const storage = path.join(dir, 'storage');
  const token = options?.token;
  if (token) {
    await fs.writeFile(path.join(dir, 'jwks.json'), JSON.stringify(token.jwks));
  }
  const auth = token
    ? `  token:
    realm: ${token.realm}
    service: ${token.service}
    issuer: ${token.issuer}
    jwks: ${path.join(dir, 'jwks.json')}`
    : `  htpasswd:
    realm: knot-test
    path: ${path.join(dir, 'htpasswd')}`;
  await fs.writeFile(
    path.join(dir, 'config.yml'),
    `version: 0.1
log:
  level: warn
  formatter: json
storage:
  filesystem:
    rootdirectory: ${storage}
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
auth:
${auth}
http:
  addr: 127.0.0.1:${port}
  secret: knot-test-registry
`,
  );
  const child = spawn(
    distributionBinary(),
    ['serve', path.join(dir, 'config.yml')],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
        OTEL_SDK_DISABLED: 'true',
      },
    },
  );
  const requests: RegistryRequest[] = [];
  let log = '';
  let password: string | undefined;
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    const lines = out.split('\n');
    out = lines.pop()!;
    for (const line of lines) {
      const m = ACCESS_LOG.exec(line);
      if (m) requests.push({ method: m[1], path: m[2], status: Number(m[3]) });
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    log += d;
    password ??= /"password":"([^"]+)"/.exec(log)?.[1];
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise(r => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await fs.rm(dir, { recursive: true, force: true });
  };
  const spawned = new Promise<never>((_, reject) => {
    child.once('error', e =>
      reject(
        new Error(
          `cannot start the registry (cluster.sh build builds it): ${e.message}`,
        ),
      ),
    );
    child.once('exit', code =>
      reject(new Error(`registry exited (${code}): ${log}`)),
    );
  });
  spawned.catch(() => undefined);
  try {
    for (let i = 0; ; i++) {
      const status = await Promise.race([
        fetch(`http://127.0.0.1:${port}/v2/`).then(
          r => r.status,
          () => 0,
        ),
        spawned,
      ]);
      if (status === 401 && (password || token)) break;
      if (i > 200) throw new Error(`registry did not start: ${log}`);
      await new Promise(r => setTimeout(r, 50));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  let markers = 0;
  const settled = async () => {
    const marker = `/v2/?knot-marker=${markers++}`;
    await fetch(`http://127.0.0.1:${port}${marker}`).then(r =>
      r.body?.cancel(),
    );
    for (let i = 0; !requests.some(r => r.path === marker); i++) {
      if (i > 200) throw new Error('the registry does not log its requests');
      await new Promise(r => setTimeout(r, 10));
    }
    return requests.filter(
      r => !r.path.startsWith('/v2/?knot-marker=') && r.path !== '/v2/',
    );
  };
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    credentials: token
      ? { username: '', password: '' }
      : { username: 'docker', password: password! },
    requests: settled,
    storage,
    stop,
  };
}

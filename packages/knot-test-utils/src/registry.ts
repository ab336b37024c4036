import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeChart, type TestChart } from './charts';
import { runHelm } from './helm';

/**
 * Starts the real in-memory OCI registry `dev/cluster/cluster.sh` builds
 * (go-containerregistry's `registry`, on PATH with the cluster env) on a free
 * port. Plain HTTP on loopback.
 */
export async function startRegistry(): Promise<{
  host: string;
  stop: () => Promise<void>;
}> {
  const child = spawn(
    process.env.KNOT_REGISTRY_BIN ?? 'registry',
    ['-port', '0'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let log = '';
    child.on('error', e =>
      reject(
        new Error(
          `cannot start the registry (cluster.sh build builds it): ${e.message}`,
        ),
      ),
    );
    child.on('exit', code =>
      reject(new Error(`registry exited (${code}): ${log}`)),
    );
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      log += d;
      const m = /serving on port (\d+)/.exec(log);
      if (m) resolve(Number(m[1]));
    });
  });
  return {
    host: `127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise(r => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Writes a chart, packages it and `helm push`es it to `oci://<host>/<project>`. */
export async function pushChart(
  target: string,
  chart: TestChart,
): Promise<void> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'knot-push-'));
  try {
    const dir = await writeChart(chart, tmp);
    await runHelm(['package', dir, '-d', tmp]);
    await runHelm([
      'push',
      path.join(tmp, `${chart.name}-${chart.version}.tgz`),
      target,
      '--plain-http',
    ]);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

/**
 * A Harbor-like authentication front for a registry: `/v2/*` answers 401 with
 * a `Bearer` challenge unless it carries a token from `/service/token`, which
 * issues tokens for the right Basic credentials only; authorised requests are
 * passed to `upstream`. Counts token requests.
 */
export async function startTokenAuthFront(
  upstream: string,
  credentials: { username: string; password: string },
): Promise<{
  host: string;
  tokenRequests: () => number;
  stop: () => Promise<void>;
}> {
  const issued = new Set<string>();
  let tokenRequests = 0;
  const basic = `Basic ${Buffer.from(
    `${credentials.username}:${credentials.password}`,
  ).toString('base64')}`;
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://front');
    if (url.pathname === '/service/token') {
      tokenRequests++;
      if (req.headers.authorization !== basic) {
        res.statusCode = 401;
        res.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        return;
      }
      const token = crypto.randomBytes(16).toString('hex');
      issued.add(token);
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ token, expires_in: 1800 }));
      return;
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!bearer || !issued.has(bearer[1])) {
      res.statusCode = 401;
      res.setHeader(
        'WWW-Authenticate',
        `Bearer realm="http://${req.headers.host}/service/token",service="harbor-registry"`,
      );
      res.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      return;
    }
    const response = await fetch(`http://${upstream}${req.url}`, {
      headers: req.headers.accept ? { Accept: req.headers.accept } : {},
    });
    res.statusCode = response.status;
    for (const name of ['content-type', 'docker-content-digest', 'link']) {
      const value = response.headers.get(name);
      if (value) res.setHeader(name, value);
    }
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    tokenRequests: () => tokenRequests,
    stop: async () => {
      server.closeAllConnections();
      await new Promise(r => server.close(r));
    },
  };
}

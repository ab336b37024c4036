import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A free loopback TCP port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitForPort(port: number, child: ChildProcess, log: string) {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) {
      throw new Error(
        `nginx exited: ${await fs.readFile(log, 'utf8').catch(() => '')}`,
      );
    }
    const open = await new Promise<boolean>(resolve => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error('nginx did not start listening');
}

/**
 * Debian's nginx in the foreground with one `server` block, in a throw-away
 * prefix `dir` that `stop` removes.
 */
async function runNginx(
  dir: string,
  port: number,
  server: string,
  workerConnections: number,
): Promise<() => Promise<void>> {
  const log = path.join(dir, 'error.log');
  await fs.writeFile(
    path.join(dir, 'nginx.conf'),
    `
worker_processes 1;
error_log ${log} warn;
pid ${dir}/nginx.pid;
events { worker_connections ${workerConnections}; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${server}
}
`,
  );
  const child = spawn(
    '/usr/sbin/nginx',
    [
      '-p',
      dir,
      '-c',
      path.join(dir, 'nginx.conf'),
      '-e',
      log,
      '-g',
      'daemon off; master_process off;',
    ],
    { stdio: 'ignore' },
  );
  await waitForPort(port, child, log);
  return async () => {
    const exited = new Promise(r => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    await fs.rm(dir, { recursive: true, force: true });
  };
}

/**
 * Debian's nginx (built with auth_request) configured as an ingress would
 * be: every request to the upstream first asks Knot's forward-auth; a 401
 * becomes a redirect to the sign-in URL forward-auth names.
 */
export async function startForwardAuthNginx(options: {
  backendPort: number;
  upstreamPort: number;
}): Promise<{ port: number; stop: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'knot-nginx-'));
  const port = await freePort();
  const stop = await runNginx(
    dir,
    port,
    `
  server {
    listen 127.0.0.1:${port};
    location = /_knot_auth {
      internal;
      proxy_pass http://127.0.0.1:${options.backendPort}/api/knot/forward-auth;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
    }
    location / {
      auth_request /_knot_auth;
      auth_request_set $knot_user $upstream_http_x_knot_user;
      auth_request_set $knot_signin $upstream_http_location;
      error_page 401 = @knot_signin;
      proxy_set_header X-Knot-User $knot_user;
      proxy_pass http://127.0.0.1:${options.upstreamPort};
    }
    location @knot_signin {
      return 302 $knot_signin;
    }
  }`,
    64,
  );
  return { port, stop };
}

/**
 * Debian's nginx routing `/v2/` to a registry as ingress-nginx does with
 * Knot's `auth-url` (with the key) and `auth-response-headers: Authorization` annotations
 * and `auth-method: GET` (the chart's `registryRoute`): each request
 * first asks `GET /api/knot/images/push-auth` (`X-Original-URL`,
 * `X-Original-Method`),
 * and the `Authorization` it answers replaces the browser's on the way to
 * the registry. Bodies stream through unbuffered and unlimited.
 */
export async function startRegistryPushNginx(options: {
  backendPort: number;
  /** `http://127.0.0.1:<port>` of the registry. */
  registryUrl: string;
  /** `knot.images.registry.pushAuthKey`, in the auth-url as `?key=`. */
  pushAuthKey: string;
  /** A free port chosen beforehand (the backend's config names it). */
  port?: number;
}): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'knot-nginx-'));
  const port = options.port ?? (await freePort());
  const stop = await runNginx(
    dir,
    port,
    `
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 0;
    location = /_knot_push_auth {
      internal;
      proxy_pass http://127.0.0.1:${
        options.backendPort
      }/api/knot/images/push-auth?key=${encodeURIComponent(
      options.pushAuthKey,
    )};
      proxy_method GET;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
      proxy_set_header X-Original-Method $request_method;
    }
    location /v2/ {
      auth_request /_knot_push_auth;
      auth_request_set $registry_authorization $upstream_http_authorization;
      proxy_set_header Authorization $registry_authorization;
      proxy_set_header Host $http_host;
      proxy_http_version 1.1;
      proxy_request_buffering off;
      proxy_buffering off;
      proxy_pass ${options.registryUrl};
    }
  }`,
    256,
  );
  return { url: `http://127.0.0.1:${port}`, stop };
}

// The measuring half of bench/files/run.sh (see there). Plain Node, no
// dependencies: raw HTTP so that the client adds as little as possible.
import { execFileSync, spawn } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  readFileSync,
  statSync,
} from 'node:fs';
import fs from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string' },
    pid: { type: 'string' },
    dir: { type: 'string' },
    'size-mib': { type: 'string' },
  },
});
const port = Number(args.port);
const dir = args.dir;
const sizeMiB = Number(args['size-mib']);
const bytes = sizeMiB * 1024 * 1024;
const base = `http://localhost:${port}/api`;

const rss = () =>
  Number(
    /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${args.pid}/status`, 'utf8'))[1],
  ) * 1024;

/** Samples the backend's RSS every 20 ms while `work` runs. */
async function withPeakRss(work) {
  const before = rss();
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, rss());
  }, 20);
  const started = process.hrtime.bigint();
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, growth: Math.max(peak, rss()) - before };
}

function request(method, url, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    // A fresh connection each time: pauses between steps outlast keep-alive.
    const req = http.request(url, { method, headers, agent: false }, resolve);
    req.on('error', reject);
    if (body) {
      body.on('error', reject);
      body.pipe(req);
    } else req.end();
  });
}

async function json(res) {
  let text = '';
  for await (const chunk of res) text += chunk;
  if (res.statusCode >= 300) throw new Error(`${res.statusCode}: ${text}`);
  return JSON.parse(text);
}

/** Runs curl; fails on HTTP errors; resolves to what it printed. */
function curl(args) {
  return new Promise((resolve, reject) => {
    const child = spawn('curl', ['-sS', '--fail-with-body', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', c => (out += c));
    child.stderr.on('data', c => (err += c));
    child.on('error', reject);
    child.on('close', code =>
      code === 0
        ? resolve(out)
        : reject(new Error(`curl ${args.at(-1)}: ${err}${out}`)),
    );
  });
}

async function timed(work) {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function startNginx(root) {
  await fs.mkdir(path.join(root, 'www'), { recursive: true });
  await fs.mkdir(path.join(root, 'body'), { recursive: true });
  const port = await new Promise(resolve => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address();
      probe.close(() => resolve(free));
    });
  });
  const conf = path.join(root, 'nginx.conf');
  const log = path.join(root, 'error.log');
  await fs.writeFile(
    conf,
    `worker_processes 1;
pid ${root}/nginx.pid;
events { worker_connections 64; }
http {
  access_log off;
  sendfile on;
  client_body_temp_path ${root}/body;
  proxy_temp_path ${root}/body;
  fastcgi_temp_path ${root}/body;
  uwsgi_temp_path ${root}/body;
  scgi_temp_path ${root}/body;
  server {
    listen 127.0.0.1:${port};
    root ${root}/www;
    location / {
      dav_methods PUT;
      client_max_body_size 0;
      client_body_buffer_size 1m;
    }
  }
}
`,
  );
  const child = spawn(
    '/usr/sbin/nginx',
    [
      '-p',
      root,
      '-c',
      conf,
      '-e',
      log,
      '-g',
      'daemon off; master_process off;',
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; ; i++) {
    const up = await new Promise(resolve => {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('connect', () => resolve(socket.end() && true));
      socket.on('error', () => resolve(false));
    });
    if (up) break;
    if (i > 100 || child.exitCode !== null)
      throw new Error(`nginx did not start: ${readFileSync(log, 'utf8')}`);
    await new Promise(r => setTimeout(r, 50));
  }
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

const time = fn => {
  const started = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - started) / 1e9;
};
const mibps = seconds => sizeMiB / seconds;
const mib = n => `${(n / 1024 / 1024).toFixed(1)} MiB`;

// --- set-up ------------------------------------------------------------------
const { backstageIdentity } = await json(
  await request('GET', `${base}/auth/guest/refresh?env=development`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  }),
);
const auth = { authorization: `Bearer ${backstageIdentity.token}` };
const source = path.join(dir, 'local', 'source.bin');
console.log(`creating a ${sizeMiB} MiB random file on ${dir}`);
const sourceFile = await fs.open(source, 'w');
execFileSync('head', ['-c', String(bytes), '/dev/urandom'], {
  stdio: ['ignore', sourceFile.fd, 'inherit'],
});
await sourceFile.close();
execFileSync('sync');
// Make sure the guest's private folder exists (created on first use).
await json(
  await request('GET', `${base}/knot/files/private/list`, { headers: auth }),
);
const privateDir = path.join(dir, 'storage', 'private', 'guest');

// --- cp on the same disk ----------------------------------------------------------
const cpPlain = time(() =>
  execFileSync('cp', [source, path.join(dir, 'local', 'cp.bin')]),
);
const cpSync = time(() => {
  execFileSync('cp', [source, path.join(dir, 'local', 'cp-sync.bin')]);
  execFileSync('sync', [path.join(dir, 'local', 'cp-sync.bin')]);
});

// Both servers get the same client, curl, which streams from and to disk
// and costs less than a Node client; nginx runs after the backend so that
// both read the source from the page cache.

// --- upload ----------------------------------------------------------------------
const upload = await withPeakRss(async () => {
  const result = JSON.parse(
    await curl([
      '-H',
      `authorization: ${auth.authorization}`,
      '-F',
      `file=@${source};filename=big.bin;type=application/octet-stream`,
      `${base}/knot/files/private/upload`,
    ]),
  );
  if (result.uploaded[0].size !== bytes)
    throw new Error('upload size mismatch');
});

// --- download --------------------------------------------------------------------
const downloaded = path.join(dir, 'local', 'downloaded.bin');
const download = await withPeakRss(() =>
  curl([
    '-H',
    `authorization: ${auth.authorization}`,
    '-o',
    downloaded,
    `${base}/knot/files/private/download?path=big.bin`,
  ]),
);
execFileSync('cmp', [source, downloaded]);
execFileSync('cmp', [source, path.join(privateDir, 'big.bin')]);

// --- the same transfers through nginx -------------------------------------------
// A practical ceiling for an HTTP file server on this machine (and the
// stand-in for File Browser, which cannot be built here): Debian's nginx,
// WebDAV PUT into a temp file on the same disk then renamed (no fsync), and
// a static GET with sendfile. Raw bodies: no multipart to parse.
const nginx = await startNginx(path.join(dir, 'nginx'));
let nginxUpload;
let nginxDownload;
try {
  nginxUpload = await timed(() => curl(['-T', source, `${nginx.url}/big.bin`]));
  const nginxCopy = path.join(dir, 'local', 'nginx-downloaded.bin');
  nginxDownload = await timed(() =>
    curl(['-o', nginxCopy, `${nginx.url}/big.bin`]),
  );
  execFileSync('cmp', [source, nginxCopy]);
} finally {
  nginx.stop();
}

// --- listing a 10,000-entry folder -------------------------------------------------
const many = path.join(privateDir, 'many');
await fs.mkdir(many);
for (let i = 0; i < 10000; i++) {
  await fs.writeFile(
    path.join(many, `file-${String(i).padStart(5, '0')}.txt`),
    `${i}`,
  );
}
const listings = [];
for (let i = 0; i < 6; i++) {
  const started = process.hrtime.bigint();
  const listing = await json(
    await request(
      'GET',
      `${base}/knot/files/private/list?path=many&limit=10000`,
      {
        headers: auth,
      },
    ),
  );
  listings.push(Number(process.hrtime.bigint() - started) / 1e6);
  if (listing.entries.length !== 10000) throw new Error('listing incomplete');
}
const firstPage = [];
for (let i = 0; i < 5; i++) {
  const started = process.hrtime.bigint();
  await json(
    await request(
      'GET',
      `${base}/knot/files/private/list?path=many&limit=100&sort=modified&order=desc`,
      {
        headers: auth,
      },
    ),
  );
  firstPage.push(Number(process.hrtime.bigint() - started) / 1e6);
}
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// --- report ----------------------------------------------------------------------
const row = (label, seconds) =>
  console.log(
    `  ${label.padEnd(36)} ${seconds.toFixed(2).padStart(7)} s  ${mibps(seconds)
      .toFixed(0)
      .padStart(6)} MiB/s`,
  );
console.log(
  `\nfile API bench, ${sizeMiB} MiB, same disk (${dir}), ${
    statSync(source).size
  } bytes`,
);
row('cp', cpPlain);
row('cp + fsync', cpSync);
row('upload through the backend (fsync)', upload.seconds);
row('download through the backend', download.seconds);
row('upload through nginx (PUT, no fsync)', nginxUpload);
row('download through nginx (sendfile)', nginxDownload);
console.log(
  `  ratios: upload/cp ${(cpPlain / upload.seconds).toFixed(
    2,
  )}×, upload/(cp+fsync) ${(cpSync / upload.seconds).toFixed(
    2,
  )}×, download/cp ${(cpPlain / download.seconds).toFixed(2)}× (goal ≥ 0.5×)`,
);
console.log(
  `  peak backend RSS growth: upload ${mib(upload.growth)}, download ${mib(
    download.growth,
  )} (goal ≤ 64 MiB)`,
);
console.log(
  `  list 10,000 entries (all in one page): first ${listings[0].toFixed(
    0,
  )} ms, median ${median(listings.slice(1)).toFixed(0)} ms (goal ≤ 200 ms)`,
);
console.log(
  `  list 10,000 entries (first 100 by date): median ${median(
    firstPage,
  ).toFixed(0)} ms`,
);
console.log(
  `  vs nginx: upload ${(nginxUpload / upload.seconds).toFixed(
    2,
  )}×, download ${(nginxDownload / download.seconds).toFixed(
    2,
  )}× (File Browser cannot be built here: see bench/files/README.md)`,
);

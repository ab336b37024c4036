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
    rounds: { type: 'string', default: '3' },
  },
});
const port = Number(args.port);
const dir = args.dir;
const sizeMiB = Number(args['size-mib']);
const bytes = sizeMiB * 1024 * 1024;
const rounds = Number(args.rounds);
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

/** Runs a command without blocking the event loop (RSS sampling goes on). */
function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', code =>
      code === 0 ? resolve() : reject(new Error(`${command} failed: ${code}`)),
    );
  });
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

// --- transfers, in interleaved rounds -------------------------------------------
// The page cache makes the same copy 10x faster or slower depending on what
// was written just before (dirty-page throttling), so every step starts from
// the same state (its outputs removed and synced, untimed) and the steps
// alternate round after round; the report takes medians.
//
// Both servers get the same client, curl, which streams from and to disk
// and costs less than a Node client. nginx is a practical ceiling for an
// HTTP file server on this machine (and the stand-in for File Browser, which
// cannot be built here): Debian's nginx, WebDAV PUT into a temp file on the
// same disk then renamed (no fsync), a static GET with sendfile, raw bodies
// (no multipart to parse).
const local = name => path.join(dir, 'local', name);
const settle = async (...files) => {
  for (const file of files) await fs.rm(file, { force: true });
  execFileSync('sync');
};
const nginx = await startNginx(path.join(dir, 'nginx'));
const results = {
  cp: [],
  cpSync: [],
  upload: [],
  multipart: [],
  download: [],
  nginxUpload: [],
  nginxDownload: [],
};
let uploadGrowth = 0;
let downloadGrowth = 0;
try {
  for (let round = 0; round < rounds; round++) {
    results.cp.push(await timed(() => run('cp', [source, local('cp.bin')])));
    await settle(local('cp.bin'));
    results.cpSync.push(
      await timed(async () => {
        await run('cp', [source, local('cp-sync.bin')]);
        await run('sync', [local('cp-sync.bin')]);
      }),
    );
    await settle(local('cp-sync.bin'));

    // Multipart first (API clients, many files in one request), then the
    // raw PUT the browser uses, which is kept for the download.
    results.multipart.push(
      await timed(async () => {
        const sent = JSON.parse(
          await curl([
            '-H',
            `authorization: ${auth.authorization}`,
            '-F',
            `file=@${source};filename=multipart.bin;type=application/octet-stream`,
            `${base}/knot/files/private/upload`,
          ]),
        );
        if (sent.uploaded[0].size !== bytes)
          throw new Error('multipart upload size mismatch');
      }),
    );
    await settle(path.join(privateDir, 'multipart.bin'));
    const upload = await withPeakRss(async () => {
      const sent = JSON.parse(
        await curl([
          '-H',
          `authorization: ${auth.authorization}`,
          '-H',
          'content-type: application/octet-stream',
          '-T',
          source,
          `${base}/knot/files/private/file?path=big.bin`,
        ]),
      );
      if (sent.uploaded[0].size !== bytes)
        throw new Error('upload size mismatch');
    });
    execFileSync('cmp', [source, path.join(privateDir, 'big.bin')]);
    results.upload.push(upload.seconds);
    uploadGrowth = Math.max(uploadGrowth, upload.growth);
    await settle();

    const download = await withPeakRss(() =>
      curl([
        '-H',
        `authorization: ${auth.authorization}`,
        '-o',
        local('downloaded.bin'),
        `${base}/knot/files/private/download?path=big.bin`,
      ]),
    );
    execFileSync('cmp', [source, local('downloaded.bin')]);
    results.download.push(download.seconds);
    downloadGrowth = Math.max(downloadGrowth, download.growth);
    await settle(local('downloaded.bin'), path.join(privateDir, 'big.bin'));

    results.nginxUpload.push(
      await timed(() => curl(['-T', source, `${nginx.url}/big.bin`])),
    );
    await settle();
    results.nginxDownload.push(
      await timed(() =>
        curl(['-o', local('nginx-downloaded.bin'), `${nginx.url}/big.bin`]),
      ),
    );
    execFileSync('cmp', [source, local('nginx-downloaded.bin')]);
    await settle(
      local('nginx-downloaded.bin'),
      path.join(dir, 'nginx', 'www', 'big.bin'),
    );
  }
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
const m = Object.fromEntries(
  Object.entries(results).map(([key, values]) => [key, median(values)]),
);
const row = (label, key) =>
  console.log(
    `  ${label.padEnd(40)} ${m[key].toFixed(2).padStart(7)} s  ${mibps(m[key])
      .toFixed(0)
      .padStart(6)} MiB/s   (${results[key].map(v => v.toFixed(2)).join(' ')})`,
  );
const ratio = (baseline, ours) => (m[baseline] / m[ours]).toFixed(2);
console.log(
  `\nfile API bench, ${sizeMiB} MiB, same disk (${dir}), ${
    statSync(source).size
  } bytes; medians of ${rounds} interleaved rounds (each round's figures in brackets)`,
);
row('cp', 'cp');
row('cp + fsync', 'cpSync');
row('upload through the backend (PUT, fsync)', 'upload');
row('  the same as multipart/form-data', 'multipart');
row('download through the backend', 'download');
row('upload through nginx (PUT, no fsync)', 'nginxUpload');
row('download through nginx (sendfile)', 'nginxDownload');
console.log(
  `  throughput ratios: upload/cp ${ratio(
    'cp',
    'upload',
  )}×, upload/(cp+fsync) ${ratio('cpSync', 'upload')}×, download/cp ${ratio(
    'cp',
    'download',
  )}× (goal ≥ 0.5×)`,
);
console.log(
  `  vs nginx: upload ${ratio('nginxUpload', 'upload')}×, download ${ratio(
    'nginxDownload',
    'download',
  )}× (File Browser cannot be built here: see bench/files/README.md)`,
);
console.log(
  `  peak backend RSS growth: upload ${mib(uploadGrowth)}, download ${mib(
    downloadGrowth,
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

// The measuring half of bench/files/run.sh (see there). Plain Node, no
// dependencies: raw HTTP so that the client adds as little as possible.
import { execFileSync } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  readFileSync,
  statSync,
} from 'node:fs';
import fs from 'node:fs/promises';
import http from 'node:http';
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
execFileSync('head', ['-c', String(bytes), '/dev/urandom'], {
  stdio: ['ignore', (await fs.open(source, 'w')).fd, 'inherit'],
});
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

// --- upload ----------------------------------------------------------------------
const boundary = `knotbench${Date.now()}`;
const head = Buffer.from(
  `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n` +
    'Content-Type: application/octet-stream\r\n\r\n',
);
const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
const upload = await withPeakRss(async () => {
  const { PassThrough } = await import('node:stream');
  const body = new PassThrough();
  const sent = request('POST', `${base}/knot/files/private/upload`, {
    headers: {
      ...auth,
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(head.length + bytes + tail.length),
    },
    body,
  });
  body.write(head);
  await pipeline(
    createReadStream(source, { highWaterMark: 1024 * 1024 }),
    body,
    {
      end: false,
    },
  );
  body.end(tail);
  const result = await json(await sent);
  if (result.uploaded[0].size !== bytes)
    throw new Error('upload size mismatch');
});

// --- download --------------------------------------------------------------------
const downloaded = path.join(dir, 'local', 'downloaded.bin');
const download = await withPeakRss(async () => {
  const res = await request(
    'GET',
    `${base}/knot/files/private/download?path=big.bin`,
    {
      headers: auth,
    },
  );
  if (res.statusCode !== 200) throw new Error(`download: ${res.statusCode}`);
  await pipeline(res, createWriteStream(downloaded));
});
execFileSync('cmp', [source, downloaded]);
execFileSync('cmp', [source, path.join(privateDir, 'big.bin')]);

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
console.log('  File Browser comparison: not run (see bench/files/README.md)');

// The measuring half of bench/images/blob.sh (see there): one large blob
// pushed to distribution in several ways, interleaved with `crane push` of
// a one-layer image holding the same blob, in the same run.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import {
  buildTestImage,
  writeOciLayoutArchive,
} from '../../packages/knot-test-utils/src/imageArchives';
import { RegistryClient } from '../../plugins/knot-backend/src/images/RegistryClient';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string' },
    'size-mib': { type: 'string' },
    rounds: { type: 'string', default: '3' },
    registry: { type: 'string' },
    'registry-pid': { type: 'string' },
    crane: { type: 'string' },
    ways: { type: 'string' },
  },
});
const dir = args.dir!;
const registry = `http://${args.registry}`;
const MiB = 1024 * 1024;

/** CPU seconds the process `pid` used so far (user + system). */
function cpuOf(pid: string): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .split(') ')[1]
    .split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function run(command: string, argv: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', c => (out += c));
    child.stderr.on('data', c => (err += c));
    child.on('error', reject);
    child.on('close', code =>
      code === 0
        ? resolve(out)
        : reject(new Error(`${command} failed (${code}): ${err}${out}`)),
    );
  });
}

/** The file's chunks, hashed on the way (as the archive reader does). */
function hashed(file: string, highWaterMark?: number) {
  const hash = createHash('sha256');
  const body = (async function* read() {
    for await (const chunk of createReadStream(file, { highWaterMark })) {
      hash.update(chunk);
      yield chunk as Buffer;
    }
  })();
  return { body, digest: () => `sha256:${hash.digest('hex')}` };
}

async function startUpload(repository: string): Promise<string> {
  const res = await fetch(`${registry}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
  });
  if (res.status !== 202) throw new Error(`POST: ${res.status}`);
  return new URL(res.headers.get('location')!, registry).href;
}

/** A node:http request with `body` streamed (backpressure: pipeline). */
function httpSend(
  method: string,
  url: string,
  headers: http.OutgoingHttpHeaders,
  body: AsyncIterable<Buffer>,
): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, res => {
      res.resume();
      res.on('end', () => resolve(res));
    });
    req.on('error', reject);
    pipeline(body, req).catch(reject);
  });
}

type Way = (
  repository: string,
  file: string,
  digest: string,
  size: number,
) => Promise<void>;

/** Chunks of the request body as a socket gives them (64 KiB), or 1 MiB. */
const SOCKET_CHUNK = 64 * 1024;
let chunk = SOCKET_CHUNK;

const ways: Record<string, Way> = {
  // What the portal does: RegistryClient.pushBlob (a streamed PATCH).
  client: async (repository, file) => {
    const { body, digest } = hashed(file, chunk);
    await new RegistryClient({ url: registry, pullHost: '' }).pushBlob(
      repository,
      body,
      digest,
    );
  },
  // What it did before: the same PATCH sent by fetch (undici).
  'fetch-patch': async (repository, file) => {
    const location = await startUpload(repository);
    const h = hashed(file, chunk);
    const res = await fetch(location, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: h.body,
      duplex: 'half',
    } as RequestInit);
    if (res.status !== 202) throw new Error(`PATCH: ${res.status}`);
    const done = new URL(res.headers.get('location')!, registry);
    done.searchParams.set('digest', h.digest());
    const put = await fetch(done, { method: 'PUT' });
    if (put.status !== 201) throw new Error(`PUT: ${put.status}`);
  },
  // Monolithic: POST, then PUT ?digest= with the body and its length.
  'http-put': async (repository, file, digest, size) => {
    const location = new URL(await startUpload(repository));
    location.searchParams.set('digest', digest);
    const h = hashed(file, chunk);
    const res = await httpSend(
      'PUT',
      location.href,
      { 'Content-Type': 'application/octet-stream', 'Content-Length': size },
      h.body,
    );
    if (res.statusCode !== 201) throw new Error(`PUT: ${res.statusCode}`);
    if (h.digest() !== digest) throw new Error('digest');
  },
  // node:http PATCH, chunked, then PUT ?digest=.
  'http-patch': async (repository, file, digest) => {
    const location = await startUpload(repository);
    const h = hashed(file, chunk);
    const res = await httpSend(
      'PATCH',
      location,
      { 'Content-Type': 'application/octet-stream' },
      h.body,
    );
    if (res.statusCode !== 202) throw new Error(`PATCH: ${res.statusCode}`);
    const done = new URL(res.headers.location!, registry);
    done.searchParams.set('digest', h.digest());
    const put = await fetch(done, { method: 'PUT' });
    if (put.status !== 201) throw new Error(`PUT: ${put.status}`);
  },
  // The client's ceiling: curl PUTs the file (monolithic, Content-Length).
  'curl-put': async (repository, file, digest) => {
    const location = new URL(await startUpload(repository));
    location.searchParams.set('digest', digest);
    await run('curl', [
      '-sS',
      '--fail',
      '-o',
      '/dev/null',
      '-T',
      file,
      location.href,
    ]);
  },
};

const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const sizeMiB = Number(args['size-mib']);
  console.log(`building a one-layer image of ${sizeMiB} MiB in ${dir}`);
  const image = await buildTestImage(path.join(dir, 'image'), {
    layerSizes: [sizeMiB * MiB],
  });
  const archive = path.join(dir, 'image.tar');
  await writeOciLayoutArchive(image, archive);
  const layout = path.join(dir, 'layout');
  await fs.mkdir(layout);
  execFileSync('tar', ['-xf', archive, '-C', layout]);
  const { file, digest, size } = image.layers[0];
  execFileSync('sync');
  // Read once so that every way reads it from the page cache.
  for await (const _ of createReadStream(file)) {
    // warm
  }

  const chosen = [
    'crane',
    ...(args.ways?.split(',') ??
      Object.keys(ways).flatMap(w =>
        w.startsWith('curl') ? [w] : [w, `${w}-1m`],
      )),
  ];
  const seconds: Record<string, number[]> = {};
  const cpu: Record<string, { self: number[]; registry: number[] }> = {};
  for (let round = 0; round < Number(args.rounds); round++) {
    const line: string[] = [];
    for (const way of chosen) {
      const repository = `bench/${way}-${round}`;
      const self0 = process.cpuUsage();
      const reg0 = cpuOf(args['registry-pid']!);
      const started = process.hrtime.bigint();
      if (way === 'crane') {
        await run(args.crane!, [
          'push',
          '--insecure',
          layout,
          `${args.registry}/${repository}:latest`,
        ]);
      } else {
        chunk = way.endsWith('-1m') ? MiB : SOCKET_CHUNK;
        await ways[way.replace(/-1m$/, '')](repository, file, digest, size);
      }
      const s = Number(process.hrtime.bigint() - started) / 1e9;
      const self = process.cpuUsage(self0);
      (seconds[way] ??= []).push(s);
      (cpu[way] ??= { self: [], registry: [] }).self.push(
        (self.user + self.system) / 1e6,
      );
      cpu[way].registry.push(cpuOf(args['registry-pid']!) - reg0);
      line.push(`${way} ${(size / MiB / s).toFixed(0)} MiB/s`);
    }
    console.log(`round ${round + 1}: ${line.join(', ')}`);
  }
  const craneRate = size / MiB / median(seconds.crane);
  for (const way of chosen) {
    const rate = size / MiB / median(seconds[way]);
    console.log(
      `${way.padEnd(12)} ${rate.toFixed(0).padStart(5)} MiB/s  ${(
        rate / craneRate
      ).toFixed(2)}× crane  cpu: node ${median(cpu[way].self).toFixed(
        1,
      )} s, registry ${median(cpu[way].registry).toFixed(1)} s`,
    );
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});

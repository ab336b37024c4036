#!/usr/bin/env node
// Load test of the webhook's /mutate against a trivial HTTPS echo server, in
// the same run, from this process (autocannon) while each server runs in its
// own process, over TLS on loopback:
//   1. throughput at saturation (CONNECTIONS connections, DURATION seconds);
//   2. latency at a fixed 1,000 requests/s, from an open-loop generator that
//      sends one request every 1/RATE s whatever the answers (autocannon's
//      overallRate sends each second's requests in one burst, so its p99 is
//      the time to drain the burst, even for the echo server).
// A third server reads and parses the request and answers "allowed" without
// any admission logic: the floor for any webhook that reads the object.
// Usage: bench/webhook/run.sh   (env: DURATION=10 CONNECTIONS=10 RATE=1000 ROUNDS=3)
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { review } from './review.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const duration = Number(process.env.DURATION ?? 10);
const connections = Number(process.env.CONNECTIONS ?? 10);
const rate = Number(process.env.RATE ?? 1000);
const rounds = Number(process.env.ROUNDS ?? 3);

// The webhook's own development CA helper (TypeScript, loaded through
// Backstage's node transform like the servers below).
const require = createRequire(import.meta.url);
require('@backstage/cli/config/nodeTransform.cjs');
const { createDevCertificates } = require(path.join(
  root,
  'packages/knot-webhook/src/server/devCertificates.ts',
));

function devCert(dir) {
  const certs = createDevCertificates(dir);
  return {
    ca: Buffer.from(certs.caPem),
    cert: certs.certFile,
    key: certs.keyFile,
  };
}

function start(script, args, execArgv = []) {
  const child = fork(script, args, {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    // nodeTransform sends its own `watch` messages on the same channel.
    child.on('message', m => m?.port && resolve({ child, port: m.port }));
    child.once('exit', code =>
      reject(new Error(`${script} exited with ${code}`)),
    );
  });
}

function post(port, ca, body) {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        path: '/mutate',
        method: 'POST',
        ca,
        headers: { 'content-type': 'application/json' },
      },
      res => {
        let text = '';
        res.on('data', c => (text += c));
        res.on('end', () => resolve(JSON.parse(text)));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function load(port, ca, body, extra) {
  return autocannon({
    url: `https://127.0.0.1:${port}/mutate`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections,
    duration,
    tlsOptions: { ca },
    ...extra,
  });
}

// Parse, mutate and serialise without HTTP or TLS: what the admission logic
// itself costs per request, next to the servers' figures above.
async function ownWork(body) {
  const src = path.join(root, 'packages/knot-webhook/src');
  const { mutate } = require(path.join(src, 'admission/mutate.ts'));
  const { parseReview } = require(path.join(src, 'admission/parseReview.ts'));
  const { resolveConfig } = require(path.join(src, 'config.ts'));
  const { StaticDatasetLister } = require(path.join(
    src,
    'datasets/DatasetLister.ts',
  ));
  const deps = {
    config: resolveConfig({ ingress: { domain: 'example.org' } }),
    datasets: new StaticDatasetLister({ 'knot-alice': ['mnist', 'imagenet'] }),
  };
  const spent = { parse: 0n, mutate: 0n, serialise: 0n };
  const n = 50_000;
  for (let i = 0; i < 2 * n; i++) {
    const a = process.hrtime.bigint();
    const parsed = JSON.parse(body);
    const b = process.hrtime.bigint();
    const response = await mutate(parseReview(parsed), deps);
    const c = process.hrtime.bigint();
    JSON.stringify({ response });
    if (i >= n) {
      // The first half warms the JIT up.
      spent.parse += b - a;
      spent.mutate += c - b;
      spent.serialise += process.hrtime.bigint() - c;
    }
  }
  const us = v => (Number(v) / n / 1000).toFixed(1);
  return `parse ${us(spent.parse)} us + mutate ${us(
    spent.mutate,
  )} us + serialise ${us(spent.serialise)} us`;
}

// Latency is counted from when a request was due, not from when it was
// sent, so a stalled generator or server cannot hide queueing.
async function paced(port, ca, body, seconds) {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 64, ca });
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const latencies = [];
  let errors = 0;
  let sent = 0;
  const start = performance.now();
  await new Promise(resolve => {
    let done = 0;
    const finish = () => ++done === total && resolve();
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        const due = start + sent * interval;
        sent++;
        const req = https.request(
          {
            host: '127.0.0.1',
            port,
            path: '/mutate',
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/json' },
          },
          res => {
            res.resume();
            res.on('end', () => {
              latencies.push(performance.now() - due);
              if (res.statusCode !== 200) errors++;
              finish();
            });
          },
        );
        req.on('error', () => {
          errors++;
          finish();
        });
        req.end(body);
      }
      if (sent < total) {
        setTimeout(
          tick,
          Math.max(0, start + sent * interval - performance.now()),
        );
      }
    };
    tick();
  });
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = q =>
    latencies[
      Math.min(latencies.length - 1, Math.floor(q * latencies.length))
    ] ?? NaN;
  return {
    rps: total / elapsed,
    p50: at(0.5),
    p99: at(0.99),
    max: at(1),
    errors,
  };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-webhook-bench-'));
const children = [];
try {
  const certs = devCert(dir);
  const body = JSON.stringify(review);
  const echo = await start(path.join(here, 'echoServer.mjs'), [
    certs.cert,
    certs.key,
  ]);
  children.push(echo.child);
  const parseOnly = await start(path.join(here, 'parseOnlyServer.mjs'), [
    certs.cert,
    certs.key,
  ]);
  children.push(parseOnly.child);
  const hook = await start(
    path.join(here, 'webhookServer.ts'),
    [certs.cert, certs.key],
    [
      '--require',
      path.join(root, 'node_modules/@backstage/cli/config/nodeTransform.cjs'),
    ],
  );
  children.push(hook.child);
  const servers = [
    ['echo', echo.port],
    ['parse', parseOnly.port],
    ['webhook', hook.port],
  ];

  // The webhook really mutates this request.
  const answer = await post(hook.port, certs.ca, body);
  const ops = JSON.parse(
    Buffer.from(answer.response.patch, 'base64').toString(),
  );
  console.log(
    `/mutate answers allowed=${answer.response.allowed} with ${ops.length} patch operations; body ${body.length} bytes`,
  );

  // Warm up (JIT, TLS sessions), then interleave the servers round by round
  // so that load from elsewhere on the machine hits them alike.
  for (const [, port] of servers)
    await load(port, certs.ca, body, { duration: 2 });
  const max = Object.fromEntries(servers.map(([name]) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, port] of servers)
      max[name].push(await load(port, certs.ca, body));
  }
  const fixed = {};
  for (const [name, port] of servers) {
    await paced(port, certs.ca, body, 1); // connections and JIT
    fixed[name] = await paced(port, certs.ca, body, duration);
  }

  const median = values =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const summary = Object.fromEntries(
    servers.map(([name]) => {
      const runs = max[name];
      return [
        name,
        {
          rps: median(runs.map(r => r.requests.average)),
          p50: median(runs.map(r => r.latency.p50)),
          p99: median(runs.map(r => r.latency.p99)),
          fixed: fixed[name],
          errors:
            runs.reduce((n, r) => n + r.errors + r.non2xx, 0) +
            fixed[name].errors,
        },
      ];
    }),
  );
  console.log(
    `\nTLS loopback, ${connections} connections, ${rounds} interleaved rounds of ${duration} s (medians), ${
      os.cpus().length
    } CPUs, load average ${os.loadavg()[0].toFixed(1)}`,
  );
  console.log(
    'server    saturated: req/s    p50    p99 | at fixed rate: req/s    p50    p99    max | errors',
  );
  for (const [name, r] of Object.entries(summary)) {
    const f = r.fixed;
    console.log(
      `${name.padEnd(9)} ${r.rps.toFixed(0).padStart(16)} ${String(
        r.p50,
      ).padStart(6)} ${String(r.p99).padStart(6)} | ${f.rps
        .toFixed(0)
        .padStart(19)} ${f.p50.toFixed(2).padStart(6)} ${f.p99
        .toFixed(2)
        .padStart(6)} ${f.max.toFixed(1).padStart(6)} | ${r.errors}`,
    );
  }
  const ratio = summary.webhook.rps / summary.echo.rps;
  console.log(
    `\nthroughput webhook/echo: ${ratio.toFixed(
      2,
    )}x (goal >= 0.8x); webhook/parse-only: ${(
      summary.webhook.rps / summary.parse.rps
    ).toFixed(
      2,
    )}x; webhook p99 at ${rate}/s: ${summary.webhook.fixed.p99.toFixed(
      2,
    )} ms (goal <= 5 ms; the echo server's ${summary.echo.fixed.p99.toFixed(
      2,
    )} ms is this machine's floor); latencies in ms`,
  );
  console.log(
    `the webhook's own work per review, in this process: ${await ownWork(
      body,
    )}`,
  );
} finally {
  for (const child of children) child.kill();
  fs.rmSync(dir, { recursive: true, force: true });
}

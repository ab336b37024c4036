#!/usr/bin/env node
// Load test of the webhook's /mutate against a trivial HTTPS echo server, in
// the same run, from this process (autocannon) while each server runs in its
// own process, over TLS on loopback:
//   1. throughput at saturation (CONNECTIONS connections, DURATION seconds);
//   2. latency at a fixed 1,000 requests/s.
// A third server, express + JSON parsing + fixed answer, shows what the
// framework alone costs.
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
  'plugins/knot-webhook/src/server/devCertificates.ts',
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
  const expressEcho = await start(path.join(here, 'expressEchoServer.mjs'), [
    certs.cert,
    certs.key,
  ]);
  children.push(expressEcho.child);
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
    ['express', expressEcho.port],
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
  for (const [name, port] of servers)
    fixed[name] = await load(port, certs.ca, body, { overallRate: rate });

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
            fixed[name].errors +
            fixed[name].non2xx,
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
    'server    saturated: req/s    p50    p99 | at fixed rate: req/s    p50    p99 | errors',
  );
  for (const [name, r] of Object.entries(summary)) {
    const f = r.fixed;
    console.log(
      `${name.padEnd(9)} ${r.rps.toFixed(0).padStart(16)} ${String(
        r.p50,
      ).padStart(6)} ${String(r.p99).padStart(6)} | ${f.requests.average
        .toFixed(0)
        .padStart(19)} ${String(f.latency.p50).padStart(6)} ${String(
        f.latency.p99,
      ).padStart(6)} | ${r.errors}`,
    );
  }
  const ratio = summary.webhook.rps / summary.echo.rps;
  console.log(
    `\nthroughput webhook/echo: ${ratio.toFixed(
      2,
    )}x (goal >= 0.8x); webhook/express-only: ${(
      summary.webhook.rps / summary.express.rps
    ).toFixed(2)}x; webhook p99 at ${rate}/s: ${
      summary.webhook.fixed.latency.p99
    } ms (goal <= 5 ms); latencies in ms`,
  );
} finally {
  for (const child of children) child.kill();
  fs.rmSync(dir, { recursive: true, force: true });
}

// Shared helpers for the cluster acceptance tests. Everything is async: the
// webhook test serves HTTPS from this very process, so blocking child-process
// calls would deadlock the API server's call back into us.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import https from 'node:https';
import { makeCerts } from './certs.mjs';

export const testDir = dirname(fileURLToPath(import.meta.url));
export const clusterDir = join(testDir, '..');

// Pinned versions, read from the same file the build uses.
export const versions = Object.fromEntries(
  readFileSync(join(clusterDir, 'versions.env'), 'utf8')
    .split('\n')
    .map(l => l.replace(/#.*/, '').trim())
    .filter(Boolean)
    .map(l => l.split('=')),
);

export function run(
  cmd,
  args,
  { input, env, allowFail = false, timeout = 120_000 } = {},
) {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      {
        env: { ...process.env, ...env },
        maxBuffer: 64 << 20,
        timeout,
      },
      (err, stdout, stderr) => {
        const res = {
          code: err ? (typeof err.code === 'number' ? err.code : 1) : 0,
          stdout,
          stderr,
        };
        if (err && !allowFail) {
          reject(
            new Error(
              `${cmd} ${args.join(' ')} failed (${res.code}): ${
                stderr || err.message
              }`,
            ),
          );
        } else resolve(res);
      },
    );
    if (input !== undefined) child.stdin.end(input);
  });
}

export const kubectl = async (args, opts) =>
  (await run('kubectl', args, opts)).stdout;
export const kubectlJson = async args =>
  JSON.parse(await kubectl([...args, '-o', 'json']));
/** The pods of a release (optionally one component) not being deleted. */
export async function livePods(ns, release, component) {
  const selector = [`app.kubernetes.io/instance=${release}`];
  if (component) selector.push(`app.kubernetes.io/component=${component}`);
  const pods = await kubectlJson([
    '-n',
    ns,
    'get',
    'pods',
    '-l',
    selector.join(','),
  ]);
  return pods.items.filter(p => !p.metadata.deletionTimestamp);
}
export const apply = (manifest, ns) =>
  kubectl([...(ns ? ['-n', ns] : []), 'apply', '-f', '-'], {
    input: JSON.stringify(manifest),
  });

export const sleep = ms => new Promise(r => setTimeout(r, ms));

// Polls fn until it returns a truthy value; fails with the last seen value.
export async function waitFor(what, fn, timeoutMs = 30_000, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      // A condition that can no longer become true (e.g. a pod whose image
      // cannot be pulled) ends the wait at once.
      if (e?.fatal) throw e;
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last: ${
          last instanceof Error ? last.message : JSON.stringify(last)
        }`,
      );
    }
    await sleep(intervalMs);
  }
}

export const uniqueName = prefix =>
  `${prefix}-${randomBytes(3).toString('hex')}`;

// Creates a fresh namespace (and waits for its default ServiceAccount, which
// pod admission needs); registers deletion with the test context.
export async function freshNamespace(t, prefix) {
  const ns = uniqueName(`knot-t-${prefix}`);
  await kubectl(['create', 'namespace', ns]);
  t.after(() =>
    kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found'], {
      allowFail: true,
    }),
  );
  await waitFor(`default ServiceAccount in ${ns}`, () =>
    kubectl(['-n', ns, 'get', 'serviceaccount', 'default', '-o', 'name'], {
      allowFail: true,
    }).then(o => o.trim()),
  );
  return ns;
}

// API server URL and CA (PEM) of the current kubeconfig context.
export async function clusterEndpoint() {
  const cfg = await kubectlJson(['config', 'view', '--raw', '--minify']);
  const c = cfg.clusters[0].cluster;
  const ca = c['certificate-authority-data']
    ? Buffer.from(c['certificate-authority-data'], 'base64')
    : readFileSync(c['certificate-authority']);
  return { server: c.server, ca };
}

// Minimal HTTPS JSON client (Node 20 fetch cannot take a custom CA).
export function request(method, url, { ca, token, body } = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      url,
      {
        method,
        ca,
        headers: {
          Accept: 'application/json',
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          ...(data
            ? {
                'Content-Type': 'application/json',
                'Content-Length': Buffer.byteLength(data),
              }
            : {}),
        },
      },
      res => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', d => (text += d));
        res.on('end', () => {
          let json;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode, json, text });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

// A pod that kwok will "run" (the image is never pulled on fake nodes).
export const pausePod = (name, labels = { app: name }) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: { containers: [{ name: 'main', image: 'registry.k8s.io/pause:3.10' }] },
});

/**
 * An admission webhook for the creation of pods in namespace `ns`, served
 * over HTTPS from this process (a throw-away CA) and registered as a
 * `kind` (MutatingWebhookConfiguration or ValidatingWebhookConfiguration)
 * named `name`, calling `https://127.0.0.1:<port><path>`. `answer(review,
 * req)` gives the fields of the AdmissionReview's response besides its uid.
 * Server, configuration and certificates go away after the test `t`.
 */
export async function podWebhook(t, { kind, name, webhook, path, ns, answer }) {
  const dir = mkdtempSync(join(tmpdir(), 'knot-webhook-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { ca, cert, key } = await makeCerts(dir);

  const server = https.createServer({ cert, key }, (req, res) => {
    let body = '';
    req.on('data', d => (body += d));
    req.on('end', () => {
      const review = JSON.parse(body);
      res.setHeader('Content-Type', 'application/json');
      res.end(
        JSON.stringify({
          apiVersion: 'admission.k8s.io/v1',
          kind: 'AdmissionReview',
          response: { uid: review.request.uid, ...answer(review, req) },
        }),
      );
    });
  });
  await new Promise(r => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise(r => server.close(r)));

  t.after(() =>
    kubectl(['delete', kind.toLowerCase(), name, '--ignore-not-found'], {
      allowFail: true,
    }),
  );
  await apply({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind,
    metadata: { name },
    webhooks: [
      {
        name: webhook,
        clientConfig: {
          url: `https://127.0.0.1:${server.address().port}${path}`,
          caBundle: ca.toString('base64'),
        },
        rules: [
          {
            operations: ['CREATE'],
            apiGroups: [''],
            apiVersions: ['v1'],
            resources: ['pods'],
          },
        ],
        namespaceSelector: {
          matchLabels: { 'kubernetes.io/metadata.name': ns },
        },
        admissionReviewVersions: ['v1'],
        sideEffects: 'None',
        failurePolicy: 'Fail',
        timeoutSeconds: 10,
      },
    ],
  });
  return server;
}

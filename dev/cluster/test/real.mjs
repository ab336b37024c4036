// Helpers for the tests against the real node, the image registry and the
// ingress (cluster.sh up with KNOT_REAL_NODE=1, the default). Environment
// from `cluster.sh env`: KNOT_REAL_NODE, KNOT_INGRESS_DOMAIN,
// KNOT_INGRESS_ADDRESS (127.0.0.1:<port>), KNOT_INGRESS_CA.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import { join } from 'node:path';
import {
  clusterDir,
  freshNamespace,
  kubectl,
  kubectlJson,
  waitFor,
} from './lib.mjs';

export const realNode = process.env.KNOT_REAL_NODE === '1';
// For node:test's `skip`: a reason when the cluster has no real node.
export const needsRealNode = realNode
  ? false
  : 'the cluster runs without the real node (KNOT_REAL_NODE=0)';

export const NODE_NAME = 'real-node';
export const onRealNode = {
  nodeSelector: { 'knot.dev/node': 'real' },
  tolerations: [
    {
      key: 'knot.dev/node',
      operator: 'Equal',
      value: 'real',
      effect: 'NoSchedule',
    },
  ],
};

// Image references, from the same file dev/images/build.sh uses.
const imagesEnv = Object.fromEntries(
  readFileSync(join(clusterDir, '..', 'images', 'images.env'), 'utf8')
    .split('\n')
    .map(l => l.replace(/#.*/, '').trim())
    .filter(Boolean)
    .map(l => l.split('=')),
);
export const imageRef = name =>
  `${imagesEnv.KNOT_IMAGE_REGISTRY}/${imagesEnv[`IMAGE_${name}`]}`;

export const ingress = {
  domain: process.env.KNOT_INGRESS_DOMAIN,
  host: (process.env.KNOT_INGRESS_ADDRESS ?? '').split(':')[0],
  port: Number((process.env.KNOT_INGRESS_ADDRESS ?? '').split(':')[1]),
  ca: process.env.KNOT_INGRESS_CA
    ? readFileSync(process.env.KNOT_INGRESS_CA)
    : undefined,
};

// A request to https://<hostname><path> through the ingress: connects to its loopback
// address (no DNS here), sends SNI and Host for <hostname>, trusts only the
// local ingress CA.
export function viaIngress(
  hostname,
  path = '/',
  { method = 'GET', headers = {}, body, ca = ingress.ca } = {},
) {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        method,
        host: ingress.host,
        port: ingress.port,
        path,
        servername: hostname,
        headers: { Host: hostname, ...headers },
        ca,
        agent: false,
      },
      res => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', d => (text += d));
        res.on('end', () =>
          resolve({ status: res.statusCode, headers: res.headers, text }),
        );
      },
    );
    req.on('error', reject);
    req.setTimeout(15_000, () =>
      req.destroy(new Error(`timeout: ${hostname}${path}`)),
    );
    req.end(body);
  });
}

export function httpGet(url) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false }, res => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', d => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout: ${url}`)));
  });
}

// Waits for a pod to run on the real node (pulling its image can take a
// while the first time); fails early with the reason when it cannot start.
export async function runningPod(ns, name, timeoutMs = 120_000, env = {}) {
  return waitFor(
    `pod ${ns}/${name} Running and Ready`,
    async () => {
      const pod = JSON.parse(
        await kubectl(['-n', ns, 'get', 'pod', name, '-o', 'json'], { env }),
      );
      const waiting = (pod.status.containerStatuses ?? [])
        .map(c => c.state?.waiting)
        .find(
          w =>
            w &&
            /ErrImage|ImagePullBackOff|CrashLoopBackOff|CreateContainerError|InvalidImageName/.test(
              w.reason,
            ),
        );
      if (waiting)
        throw Object.assign(
          new Error(`${name}: ${waiting.reason}: ${waiting.message}`),
          { fatal: true },
        );
      const ready =
        pod.status.conditions?.find(c => c.type === 'Ready')?.status === 'True';
      return pod.status.phase === 'Running' && ready && pod;
    },
    timeoutMs,
    500,
  );
}

// A fresh namespace whose pods the cluster sends to the real node by default
// (label knot.dev/real-node=true, the MutatingAdmissionPolicy cluster.sh
// installs). Returns once the API server applies the policy there (checked
// with a server-side dry run, so no pod is created).
export async function realNamespace(t, prefix) {
  const ns = await freshNamespace(t, prefix);
  await kubectl(['label', 'namespace', ns, 'knot.dev/real-node=true']);
  const probe = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'probe' },
    spec: { containers: [{ name: 'main', image: imageRef('busybox') }] },
  };
  await waitFor(`the real-node policy in ${ns}`, async () => {
    const out = await kubectl(
      ['-n', ns, 'create', '--dry-run=server', '-o', 'json', '-f', '-'],
      {
        input: JSON.stringify(probe),
      },
    );
    return JSON.parse(out).spec.nodeSelector?.['knot.dev/node'] === 'real';
  });
  return ns;
}

// Traefik applies new Ingresses and endpoints a moment after the API server
// has them: until then a host answers 404 (no router) or 503 (no endpoint).
export const routed = (hostname, path = '/', opts) =>
  waitFor(`a route to ${hostname}${path}`, async () => {
    const res = await viaIngress(hostname, path, opts);
    return res.status !== 404 && res.status !== 503 && res;
  });

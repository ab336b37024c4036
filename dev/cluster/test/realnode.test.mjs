// The real node: pods scheduled to it really run (image pulled from the
// local registry, a container process, a network namespace on the node's
// bridge), the host sees what they write to a hostPath, reaches their pod IP,
// and the API server reaches the kubelet (logs, exec).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  apply,
  freshNamespace,
  kubectl,
  kubectlJson,
  waitFor,
} from './lib.mjs';
import {
  NODE_NAME,
  httpGet,
  imageRef,
  needsRealNode,
  onRealNode,
  realNamespace,
  runningPod,
} from './real.mjs';

// A pod that only sleeps, named p (busybox from the local registry).
const sleeper = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: {
    containers: [
      { name: 'main', image: imageRef('busybox'), command: ['sleep', '3600'] },
    ],
    terminationGracePeriodSeconds: 0,
  },
};

test(
  'the real node is Ready, labelled and tainted; the kwok nodes stay',
  { skip: needsRealNode },
  async () => {
    const node = await kubectlJson(['get', 'node', NODE_NAME]);
    assert.equal(
      node.status.conditions.find(c => c.type === 'Ready').status,
      'True',
    );
    assert.equal(node.metadata.labels['knot.dev/node'], 'real');
    assert.deepEqual(node.spec.taints, [
      { key: 'knot.dev/node', value: 'real', effect: 'NoSchedule' },
    ]);
    // A real kubelet of the control plane's version, on a non-loopback address.
    const version = await kubectlJson(['version']);
    assert.equal(
      node.status.nodeInfo.kubeletVersion,
      version.serverVersion.gitVersion,
    );
    assert.match(
      node.status.nodeInfo.containerRuntimeVersion,
      /^containerd:\/\//,
    );
    const ip = node.status.addresses.find(a => a.type === 'InternalIP').address;
    assert.doesNotMatch(ip, /^127\./);
    const kwok = await kubectlJson(['get', 'nodes', '-l', 'type=kwok']);
    assert.ok(kwok.items.length > 0, 'kwok nodes must still exist');
  },
);

test(
  'a pod on the real node writes to a hostPath, serves the host, and has logs and exec',
  { skip: needsRealNode },
  async t => {
    const ns = await freshNamespace(t, 'real');
    const dir = mkdtempSync(join(tmpdir(), 'knot-real-'));
    chmodSync(dir, 0o755);
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    await apply(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'writer' },
        spec: {
          ...onRealNode,
          containers: [
            {
              name: 'main',
              image: imageRef('busybox'),
              command: [
                'sh',
                '-c',
                'echo "written by $(hostname)" > /data/out.txt && mkdir -p /www && echo pong > /www/ping && echo writer-started && exec httpd -f -p 8080 -h /www',
              ],
              ports: [{ containerPort: 8080 }],
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
              readinessProbe: {
                httpGet: { path: '/ping', port: 8080 },
                periodSeconds: 1,
              },
            },
          ],
          volumes: [
            { name: 'data', hostPath: { path: dir, type: 'Directory' } },
          ],
        },
      },
      ns,
    );
    const pod = await runningPod(ns, 'writer');
    assert.equal(pod.spec.nodeName, NODE_NAME);
    assert.equal(
      readFileSync(join(dir, 'out.txt'), 'utf8'),
      'written by writer\n',
    );

    // The host reaches the pod IP (the node's bridge), the kubelet's probe did too.
    const res = await httpGet(`http://${pod.status.podIP}:8080/ping`);
    assert.deepEqual(res, { status: 200, text: 'pong\n' });

    // The API server reaches the kubelet on the node IP (TLS both ways).
    const logs = await waitFor('container logs', async () =>
      (await kubectl(['-n', ns, 'logs', 'writer'])).includes('writer-started'),
    );
    assert.ok(logs);
    const exec = await kubectl([
      '-n',
      ns,
      'exec',
      'writer',
      '--',
      'cat',
      '/data/out.txt',
    ]);
    assert.equal(exec, 'written by writer\n');
  },
);

test(
  'pods go to the real node only when they ask or their namespace is selected',
  { skip: needsRealNode },
  async t => {
    const plain = await freshNamespace(t, 'plain');
    const selected = await realNamespace(t, 'selected');
    await apply(sleeper, plain);
    await apply(sleeper, selected);
    const nodeOf = ns =>
      waitFor(
        `pod ${ns}/p scheduled`,
        async () =>
          (await kubectlJson(['-n', ns, 'get', 'pod', 'p'])).spec.nodeName,
      );
    assert.match(await nodeOf(plain), /^kwok-node-/);
    assert.equal(await nodeOf(selected), NODE_NAME);
    const admitted = await kubectlJson(['-n', selected, 'get', 'pod', 'p']);
    assert.deepEqual(admitted.spec.nodeSelector, { 'knot.dev/node': 'real' });
    assert.ok(
      admitted.spec.tolerations.some(
        x => x.key === 'knot.dev/node' && x.effect === 'NoSchedule',
      ),
    );
    await runningPod(selected, 'p');
  },
);

test(
  'a pod starting and stopping changes no address on the host, so browsers here keep their requests',
  { skip: needsRealNode },
  async t => {
    // Chromium fails every request in flight (ERR_NETWORK_CHANGED) on any
    // host address change: the portal in a browser on this machine broke
    // whenever a pod's veth got its IPv6 link-local address.
    const ns = await realNamespace(t, 'quiet');
    const monitor = spawn('ip', ['-o', 'monitor', 'address'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let events = '';
    monitor.stdout.on('data', chunk => (events += chunk));
    t.after(() => monitor.kill());
    await apply(sleeper, ns);
    await runningPod(ns, 'p');
    // Past IPv6 duplicate address detection (1 s), when the address would
    // stop being tentative and browsers would see it.
    await new Promise(resolve => setTimeout(resolve, 2_500));
    await kubectl(['-n', ns, 'delete', 'pod', 'p', '--wait=true']);
    monitor.kill();
    const ours = events
      .split('\n')
      .filter(line => /\b(veth[0-9a-f]+|knotbr\d+)\b/.test(line));
    assert.deepEqual(ours, []);
  },
);

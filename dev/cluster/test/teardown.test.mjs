// A second cluster on the same machine gets its own real node (its own
// slot: bridge, pod subnet, node IP) beside this one, and `cluster.sh down`
// leaves nothing behind: no process, mount, bridge, iptables rule or slot,
// and the first cluster's node is untouched. Killed without clean-up, a
// fresh `up` (the tests') inherits none of its objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  clusterDir,
  clusterEndpoint,
  kubectl,
  kubectlJson,
  run,
  waitFor,
} from './lib.mjs';
import {
  NODE_NAME,
  imageRef,
  needsRealNode,
  onRealNode,
  runningPod,
} from './real.mjs';

const cluster = (env, ...args) =>
  run(join(clusterDir, 'cluster.sh'), args, { env, timeout: 300_000 });

// Processes whose command line names a path under <dir>.
function processesUnder(dir) {
  const found = [];
  for (const pid of readdirSync('/proc').filter(p => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll(
        '\0',
        ' ',
      );
      if (cmd.includes(`${dir}/`)) found.push(`${pid}: ${cmd}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

// A mutating webhook on every pod of knot=enabled namespaces, at a port
// nothing listens on, refusing what it cannot reach (Knot's own policy).
const deadEndpointWebhook = name => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'MutatingWebhookConfiguration',
  metadata: { name },
  webhooks: [
    {
      name: 'pods.knot.dev',
      clientConfig: { url: 'https://127.0.0.1:1/mutate' },
      namespaceSelector: { matchLabels: { knot: 'enabled' } },
      rules: [
        {
          apiGroups: [''],
          apiVersions: ['v1'],
          operations: ['CREATE'],
          resources: ['pods'],
        },
      ],
      failurePolicy: 'Fail',
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
    },
  ],
});

const mountsUnder = dir =>
  readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map(l => l.split(' ')[1])
    .filter(m => m?.startsWith(`${dir}/`));

test(
  'a second cluster gets its own real node; up after a kill keeps nothing of it (KNOT_CLUSTER_FRESH); down removes every trace',
  { skip: needsRealNode, timeout: 600_000 },
  async t => {
    const dir = join(mkdtempSync(join(tmpdir(), 'knot-second-')), 'cluster');
    const port = Number(new URL((await clusterEndpoint()).server).port) + 500;
    const env = {
      KNOT_CLUSTER_DIR: dir,
      KNOT_APISERVER_PORT: String(port),
      KNOT_CLUSTER_NODES: '1',
      KNOT_REAL_NODE: '1',
    };
    t.after(async () => {
      await cluster(env, 'down').catch(() => {});
      rmSync(join(dir, '..'), { recursive: true, force: true });
    });

    await cluster(env, 'up');
    const second = { ...env, KUBECONFIG: join(dir, 'kubeconfig') };
    const k = args => kubectl(args, { env: second });
    const slot = readFileSync(join(dir, 'node', 'slot'), 'utf8').trim();
    const bridge = `knotbr${slot}`;

    // Its own node IP, beside (not instead of) ours.
    const ip = async kubeEnv =>
      JSON.parse(
        await kubectl(['get', 'node', NODE_NAME, '-o', 'json'], {
          env: kubeEnv,
        }),
      ).status.addresses.find(a => a.type === 'InternalIP').address;
    const secondIp = await ip(second);
    const firstIp = await ip({});
    assert.notEqual(secondIp, firstIp);

    // A pod really runs there (a sandbox, a network namespace, an overlay).
    await k(['create', 'namespace', 'tear']);
    await kubectl(['-n', 'tear', 'apply', '-f', '-'], {
      env: second,
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'sleeper' },
        spec: {
          ...onRealNode,
          containers: [
            {
              name: 'main',
              image: imageRef('busybox'),
              command: ['sleep', '3600'],
            },
          ],
        },
      }),
    });
    await runningPod('tear', 'sleeper', 120_000, second);
    assert.ok(
      mountsUnder(dir).length > 0,
      'a running pod has mounts under the data dir',
    );
    assert.ok(
      processesUnder(dir).some(p => p.includes('containerd-shim')),
      'a running pod has a shim',
    );

    // The run is killed before its clean-up (CI kills a session's
    // processes): what it registered must not outlive it. A webhook
    // configuration whose endpoint died with it would refuse every pod.
    const deadWebhook = 'knot-left-by-a-killed-run';
    await kubectl(['apply', '-f', '-'], {
      env: second,
      input: JSON.stringify(deadEndpointWebhook(deadWebhook)),
    });
    await k(['label', 'namespace', 'tear', 'knot=enabled']);
    const probe = () =>
      run(
        'kubectl',
        ['-n', 'tear', 'run', 'probe', '--dry-run=server', '--image=x'],
        { env: second, allowFail: true },
      );
    assert.match((await probe()).stderr, /failed calling webhook/);
    for (const line of processesUnder(dir)) {
      process.kill(Number(line.split(':')[0]), 'SIGKILL');
    }
    await cluster({ ...env, KNOT_CLUSTER_FRESH: '1' }, 'up');
    assert.equal(
      (await k(['get', 'namespace', 'tear', '--ignore-not-found'])).trim(),
      '',
      'no namespace of the killed run',
    );
    await k(['create', 'namespace', 'tear']);
    await k(['label', 'namespace', 'tear', 'knot=enabled']);
    await waitFor('the default ServiceAccount of tear', () =>
      k(['-n', 'tear', 'get', 'serviceaccount', 'default']),
    );
    // Admitted: the dead webhook went with the killed run's state.
    const admitted = await probe();
    assert.equal(admitted.code, 0, admitted.stderr);

    await cluster(env, 'down');
    assert.deepEqual(processesUnder(dir), []);
    assert.deepEqual(mountsUnder(dir), []);
    assert.equal(existsSync(dir), false, 'the data dir is removed');
    assert.notEqual(
      (await run('ip', ['link', 'show', bridge], { allowFail: true })).code,
      0,
      `bridge ${bridge} removed`,
    );
    const nat = (await run('iptables', ['-t', 'nat', '-S'])).stdout;
    assert.doesNotMatch(nat, new RegExp(`knot-node-${slot}\\b`));
    assert.equal(
      existsSync(`/run/knot/nodes/${slot}`),
      false,
      'the slot is released',
    );

    // Our own node is still there and Ready.
    const node = await kubectlJson(['get', 'node', NODE_NAME]);
    assert.equal(
      node.status.conditions.find(c => c.type === 'Ready').status,
      'True',
    );
  },
);

// Webhook denials on the real node: a ValidatingWebhookConfiguration served
// from this process refuses pods whose hostPath lies outside an allowed
// folder (as Knot's webhook does); the API server returns its message to the
// client that creates a real pod, and an allowed pod is admitted and runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freshNamespace,
  podWebhook,
  run,
  uniqueName,
  waitFor,
} from './lib.mjs';
import {
  NODE_NAME,
  imageRef,
  needsRealNode,
  onRealNode,
  runningPod,
} from './real.mjs';

test(
  'a webhook denial is what the client sees when it creates a real pod',
  { skip: needsRealNode },
  async t => {
    const ns = await freshNamespace(t, 'deny');
    const dir = mkdtempSync(join(tmpdir(), 'knot-deny-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const allowed = join(dir, 'allowed');
    await podWebhook(t, {
      kind: 'ValidatingWebhookConfiguration',
      name: uniqueName('knot-test-hostpath'),
      webhook: 'hostpath.knot.test',
      path: '/validate',
      ns,
      answer: review => {
        const outside = (review.request.object.spec.volumes ?? [])
          .map(v => v.hostPath?.path)
          .filter(p => p && p !== allowed && !p.startsWith(`${allowed}/`));
        return {
          allowed: outside.length === 0,
          ...(outside.length
            ? {
                status: {
                  code: 403,
                  message: `hostPath ${outside[0]} is outside the allowed folders`,
                },
              }
            : {}),
        };
      },
    });

    const pod = (podName, path, placement = onRealNode) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: podName },
      spec: {
        ...placement,
        containers: [
          {
            name: 'main',
            image: imageRef('busybox'),
            command: ['sh', '-c', 'ls /host && sleep 3600'],
            volumeMounts: [{ name: 'host', mountPath: '/host' }],
          },
        ],
        volumes: [{ name: 'host', hostPath: { path, type: 'Directory' } }],
        terminationGracePeriodSeconds: 0,
      },
    });
    const create = manifest =>
      run('kubectl', ['-n', ns, 'create', '-f', '-'], {
        input: JSON.stringify(manifest),
        allowFail: true,
      });

    // The webhook configuration reaches the API server asynchronously: probe
    // with pods for a kwok node (never started) until the denials begin.
    let attempt = 0;
    await waitFor(
      'the webhook in force',
      async () =>
        (await create(pod(`probe-${attempt++}`, '/etc', {}))).code !== 0,
      20_000,
      500,
    );

    const denied = await create(pod('etc', '/etc'));
    assert.notEqual(denied.code, 0);
    assert.match(
      denied.stderr,
      /admission webhook "hostpath\.knot\.test" denied the request: hostPath \/etc is outside the allowed folders/,
    );

    mkdirSync(allowed);
    const admitted = await create(pod('inside', allowed));
    assert.equal(admitted.code, 0, admitted.stderr);
    const running = await runningPod(ns, 'inside');
    assert.equal(running.spec.nodeName, NODE_NAME);
  },
);

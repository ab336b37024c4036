// The API server must call a MutatingWebhookConfiguration's url: we serve the
// webhook over HTTPS from this process and check its patch lands on the pod.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  apply,
  freshNamespace,
  kubectlJson,
  pausePod,
  podWebhook,
  uniqueName,
  waitFor,
} from './lib.mjs';

test('the API server calls a mutating webhook on 127.0.0.1 and applies its patch', async t => {
  const ns = await freshNamespace(t, 'webhook');
  const calls = [];
  await podWebhook(t, {
    kind: 'MutatingWebhookConfiguration',
    name: uniqueName('knot-test-label'),
    webhook: 'label.knot.test',
    path: '/mutate',
    ns,
    answer: (review, req) => {
      const pod = review.request.object;
      const url = new URL(req.url, 'https://127.0.0.1');
      calls.push({
        path: url.pathname,
        timeout: url.searchParams.get('timeout'),
        namespace: review.request.namespace,
        kind: review.request.kind.kind,
        name: pod.metadata.name,
      });
      const patch = pod.metadata.labels
        ? [
            {
              op: 'add',
              path: '/metadata/labels/knot.test~1mutated',
              value: 'by-webhook',
            },
          ]
        : [
            {
              op: 'add',
              path: '/metadata/labels',
              value: { 'knot.test/mutated': 'by-webhook' },
            },
          ];
      return {
        allowed: true,
        patchType: 'JSONPatch',
        patch: Buffer.from(JSON.stringify(patch)).toString('base64'),
      };
    },
  });

  // The API server picks up new webhook configs asynchronously (informer), so
  // create probe pods until one goes through the webhook.
  let attempt = 0;
  const pod = await waitFor(
    'a pod mutated by the webhook',
    async () => {
      const podName = `probe-${attempt++}`;
      await apply(pausePod(podName), ns);
      const p = await kubectlJson(['-n', ns, 'get', 'pod', podName]);
      return p.metadata.labels['knot.test/mutated'] && p;
    },
    20_000,
    500,
  );

  assert.equal(pod.metadata.labels['knot.test/mutated'], 'by-webhook');
  assert.equal(
    pod.metadata.labels.app,
    pod.metadata.name,
    'original labels must survive the patch',
  );
  const call = calls.find(c => c.name === pod.metadata.name);
  assert.ok(
    call,
    `webhook saw no request for ${pod.metadata.name}: ${JSON.stringify(calls)}`,
  );
  // The API server appends ?timeout=<timeoutSeconds>s to webhook calls.
  assert.deepEqual(call, {
    path: '/mutate',
    timeout: '10s',
    namespace: ns,
    kind: 'Pod',
    name: pod.metadata.name,
  });
  assert.ok(
    calls.every(c => c.namespace === ns),
    'namespaceSelector must scope the webhook to the test namespace',
  );
});

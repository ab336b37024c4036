// The API server must call a MutatingWebhookConfiguration's url: we serve the
// webhook over HTTPS from this process and check its patch lands on the pod.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  apply,
  freshNamespace,
  kubectl,
  kubectlJson,
  pausePod,
  uniqueName,
  waitFor,
} from './lib.mjs';
import { makeCerts } from './certs.mjs';

test('the API server calls a mutating webhook on 127.0.0.1 and applies its patch', async t => {
  const ns = await freshNamespace(t, 'webhook');
  const dir = mkdtempSync(join(tmpdir(), 'knot-webhook-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { ca, cert, key } = await makeCerts(dir);

  const calls = [];
  const server = https.createServer({ cert, key }, (req, res) => {
    let body = '';
    req.on('data', d => (body += d));
    req.on('end', () => {
      const review = JSON.parse(body);
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
      res.setHeader('Content-Type', 'application/json');
      res.end(
        JSON.stringify({
          apiVersion: 'admission.k8s.io/v1',
          kind: 'AdmissionReview',
          response: {
            uid: review.request.uid,
            allowed: true,
            patchType: 'JSONPatch',
            patch: Buffer.from(JSON.stringify(patch)).toString('base64'),
          },
        }),
      );
    });
  });
  await new Promise(r => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise(r => server.close(r)));
  const { port } = server.address();

  const name = uniqueName('knot-test-label');
  t.after(() =>
    kubectl(
      ['delete', 'mutatingwebhookconfiguration', name, '--ignore-not-found'],
      { allowFail: true },
    ),
  );
  await apply({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name },
    webhooks: [
      {
        name: 'label.knot.test',
        clientConfig: {
          url: `https://127.0.0.1:${port}/mutate`,
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

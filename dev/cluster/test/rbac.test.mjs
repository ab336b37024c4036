// RBAC with real ServiceAccount tokens: admin in its own namespace, Forbidden
// elsewhere. Requests go straight to the API server with only the token (no
// client cert), so the admin kubeconfig can't leak into the result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clusterEndpoint,
  freshNamespace,
  kubectl,
  pausePod,
  request,
  waitFor,
} from './lib.mjs';

test('a ServiceAccount bound to ClusterRole admin is scoped to its namespace', async t => {
  const nsA = await freshNamespace(t, 'rbac-a');
  const nsB = await freshNamespace(t, 'rbac-b');
  await kubectl(['-n', nsA, 'create', 'serviceaccount', 'tester']);
  await kubectl([
    '-n',
    nsA,
    'create',
    'rolebinding',
    'tester-admin',
    '--clusterrole=admin',
    `--serviceaccount=${nsA}:tester`,
  ]);
  const token = (
    await kubectl(['-n', nsA, 'create', 'token', 'tester', '--duration=10m'])
  ).trim();
  const { server, ca } = await clusterEndpoint();
  const as = (method, path, body) =>
    request(method, server + path, { ca, token, body });

  const who = await as(
    'POST',
    '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
    },
  );
  assert.equal(who.status, 201, who.text);
  assert.equal(
    who.json.status.userInfo.username,
    `system:serviceaccount:${nsA}:tester`,
  );

  // RoleBindings are cached by the authorizer; allow a moment to propagate.
  const created = await waitFor(
    'pod creation allowed in namespace A',
    async () => {
      const r = await as(
        'POST',
        `/api/v1/namespaces/${nsA}/pods`,
        pausePod('allowed'),
      );
      return r.status === 201 ? r : false;
    },
    15_000,
    500,
  );
  assert.equal(created.json.metadata.namespace, nsA);
  assert.equal(created.json.metadata.name, 'allowed');

  const denied = await as(
    'POST',
    `/api/v1/namespaces/${nsB}/pods`,
    pausePod('denied'),
  );
  assert.equal(denied.status, 403, denied.text);
  assert.equal(denied.json.reason, 'Forbidden');
  assert.match(
    denied.json.message,
    new RegExp(
      `system:serviceaccount:${nsA}:tester.*cannot create resource "pods".*namespace "${nsB}"`,
    ),
  );

  const listB = await as('GET', `/api/v1/namespaces/${nsB}/pods`);
  assert.equal(listB.status, 403);
  const listA = await as('GET', `/api/v1/namespaces/${nsA}/pods`);
  assert.equal(listA.status, 200);
  assert.deepEqual(
    listA.json.items.map(p => p.metadata.name),
    ['allowed'],
  );

  // And without any credentials the API refuses outright (anonymous).
  const anon = await request('GET', `${server}/api/v1/namespaces/${nsA}/pods`, {
    ca,
  });
  assert.equal(anon.status, 403);
});

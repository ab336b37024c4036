// Deployments -> ReplicaSets -> Pods on kwok nodes, Jobs completing, and
// static PV/PVC binding: proves controller-manager, scheduler and kwok work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  apply,
  freshNamespace,
  kubectl,
  kubectlJson,
  uniqueName,
  waitFor,
} from './lib.mjs';

test('a Deployment gets a ReplicaSet and a Running pod on a kwok node', async t => {
  const ns = await freshNamespace(t, 'deploy');
  const started = Date.now();
  await apply(
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [{ name: 'web', image: 'registry.k8s.io/pause:3.10' }],
          },
        },
      },
    },
    ns,
  );

  const rs = await waitFor('ReplicaSet owned by the Deployment', async () => {
    const list = await kubectlJson(['-n', ns, 'get', 'replicasets']);
    return list.items.find(r =>
      r.metadata.ownerReferences?.some(
        o => o.kind === 'Deployment' && o.name === 'web',
      ),
    );
  });
  assert.equal(rs.spec.replicas, 1);

  const pod = await waitFor(
    'Running pod',
    async () => {
      const list = await kubectlJson([
        '-n',
        ns,
        'get',
        'pods',
        '-l',
        'app=web',
      ]);
      return list.items.find(p => p.status.phase === 'Running');
    },
    30_000,
  );
  assert.ok(Date.now() - started < 30_000, 'pod took longer than 30 s to run');
  assert.equal(pod.metadata.ownerReferences[0].kind, 'ReplicaSet');
  assert.equal(pod.metadata.ownerReferences[0].name, rs.metadata.name);
  assert.match(pod.status.podIP ?? '', /^\d+\.\d+\.\d+\.\d+$/);

  const node = await kubectlJson(['get', 'node', pod.spec.nodeName]);
  assert.equal(
    node.metadata.annotations['kwok.x-k8s.io/node'],
    'fake',
    `pod landed on non-kwok node ${pod.spec.nodeName}`,
  );

  const deploy = await waitFor('Deployment available', async () => {
    const d = await kubectlJson(['-n', ns, 'get', 'deployment', 'web']);
    return d.status.availableReplicas === 1 && d;
  });
  assert.equal(deploy.status.readyReplicas, 1);
});

test('a Job completes', async t => {
  const ns = await freshNamespace(t, 'job');
  await apply(
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'once' },
      spec: {
        backoffLimit: 0,
        template: {
          spec: {
            restartPolicy: 'Never',
            containers: [{ name: 'main', image: 'registry.k8s.io/pause:3.10' }],
          },
        },
      },
    },
    ns,
  );
  const job = await waitFor('Job complete', async () => {
    const j = await kubectlJson(['-n', ns, 'get', 'job', 'once']);
    return (
      j.status.conditions?.some(
        c => c.type === 'Complete' && c.status === 'True',
      ) && j
    );
  });
  assert.equal(job.status.succeeded, 1);
  assert.equal(job.status.failed ?? 0, 0);
});

test('a PVC binds to a matching static hostPath PV', async t => {
  const ns = await freshNamespace(t, 'pv');
  // A class name unique to this test, so the claim can only match our PV.
  const storageClassName = uniqueName('knot-test-static');
  const pvName = `${storageClassName}-pv`;
  t.after(() =>
    kubectl(['delete', 'pv', pvName, '--wait=false', '--ignore-not-found'], {
      allowFail: true,
    }),
  );
  await apply({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: pvName },
    spec: {
      storageClassName,
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      hostPath: { path: `/tmp/${pvName}`, type: 'DirectoryOrCreate' },
    },
  });
  await apply(
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data' },
      spec: {
        storageClassName,
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '500Mi' } },
      },
    },
    ns,
  );
  const pvc = await waitFor('PVC Bound', async () => {
    const c = await kubectlJson(['-n', ns, 'get', 'pvc', 'data']);
    return c.status.phase === 'Bound' && c;
  });
  assert.equal(pvc.spec.volumeName, pvName);
  assert.equal(pvc.status.capacity.storage, '1Gi');
  const pv = await kubectlJson(['get', 'pv', pvName]);
  assert.equal(pv.status.phase, 'Bound');
  assert.equal(pv.spec.claimRef.namespace, ns);
  assert.equal(pv.spec.claimRef.name, 'data');
});

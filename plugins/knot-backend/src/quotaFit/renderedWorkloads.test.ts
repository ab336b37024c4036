import { renderedObjects, renderedWorkloads } from './renderedWorkloads';

const pod = (cpu: string) => ({
  spec: {
    containers: [{ name: 'c', resources: { requests: { cpu } } }],
  },
});

describe('renderedWorkloads', () => {
  it('reads helm template output, Lists included', () => {
    const objects = renderedObjects(`---
# Source: x/templates/a.yaml
apiVersion: v1
kind: Service
metadata: { name: a }
---
# Source: x/templates/empty.yaml
---
apiVersion: v1
kind: List
items:
  - { apiVersion: v1, kind: ConfigMap, metadata: { name: b } }
`);
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Service/a',
      'ConfigMap/b',
    ]);
  });

  it('counts every workload kind as many pods as run at once', () => {
    const objects = [
      {
        kind: 'Deployment',
        metadata: { name: 'd' },
        spec: { replicas: 3, template: pod('1') },
      },
      {
        kind: 'Deployment',
        metadata: { name: 'one' },
        spec: { template: pod('1') },
      },
      {
        kind: 'Deployment',
        metadata: { name: 'off' },
        spec: { replicas: 0, template: pod('1') },
      },
      {
        kind: 'ReplicaSet',
        metadata: { name: 'r' },
        spec: { replicas: 2, template: pod('1') },
      },
      {
        kind: 'StatefulSet',
        metadata: { name: 's' },
        spec: {
          replicas: 2,
          template: pod('1'),
          volumeClaimTemplates: [
            { spec: { resources: { requests: { storage: '1Gi' } } } },
          ],
        },
      },
      {
        kind: 'DaemonSet',
        metadata: { name: 'ds' },
        spec: { template: pod('1') },
      },
      {
        kind: 'Job',
        metadata: { name: 'j' },
        spec: { parallelism: 4, completions: 2, template: pod('1') },
      },
      {
        kind: 'CronJob',
        metadata: { name: 'cj' },
        spec: { jobTemplate: { spec: { parallelism: 2, template: pod('1') } } },
      },
      { kind: 'Pod', metadata: { name: 'p' }, ...pod('1') },
      {
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'c' },
        spec: { resources: { requests: { storage: '5Gi' } } },
      },
      { kind: 'Service', metadata: { name: 'svc' } },
    ];
    const { pods, claims } = renderedWorkloads(objects, () => 5);
    expect(pods.map(p => `${p.object}×${p.count}`)).toEqual([
      'Deployment d×3',
      'Deployment one×1',
      'ReplicaSet r×2',
      'StatefulSet s×2',
      'DaemonSet ds×5',
      'Job j×2',
      'CronJob cj×2',
      'Pod p×1',
    ]);
    expect(claims).toEqual([
      { object: 'StatefulSet s', count: 2, storage: 2 ** 30 * 1000 },
      {
        object: 'PersistentVolumeClaim c',
        count: 1,
        storage: 5 * 2 ** 30 * 1000,
      },
    ]);
  });
});

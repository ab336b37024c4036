import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { serviceHealth } from './serviceHealth';

const pendingPod = (message: string, extra: Partial<V1Pod['spec']> = {}) =>
  ({
    metadata: { name: 'web-5d9c7-abcde' },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'registry.knot.internal/knot/hello:1.3.0',
          resources: { requests: { cpu: '1k' } },
        },
      ],
      ...extra,
    },
    status: {
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message,
        },
      ],
    },
  } as V1Pod);

const waitingPod = (
  reason: string,
  message: string,
  lastExit?: number,
): V1Pod =>
  ({
    metadata: { name: 'web-5d9c7-abcde' },
    spec: { containers: [{ name: 'web', image: 'x' }] },
    status: {
      phase: reason === 'CrashLoopBackOff' ? 'Running' : 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'True' }],
      containerStatuses: [
        {
          name: 'web',
          image: 'registry.knot.internal/knot/hello:nope',
          imageID: '',
          ready: false,
          restartCount: 3,
          started: false,
          state: { waiting: { reason, message } },
          ...(lastExit !== undefined
            ? {
                lastState: {
                  terminated: { exitCode: lastExit, reason: 'Error' },
                },
              }
            : {}),
        },
      ],
    },
  } as V1Pod);

const event = (
  kind: string,
  name: string,
  reason: string,
  message: string,
  at = '2026-12-02T08:00:00Z',
): CoreV1Event =>
  ({
    metadata: { name: `${name}.1` },
    involvedObject: { kind, name },
    type: 'Warning',
    reason,
    message,
    lastTimestamp: new Date(at),
  } as CoreV1Event);

describe('serviceHealth', () => {
  it('is nothing to say about a pod that runs and is ready', () => {
    const pod = {
      metadata: { name: 'p' },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'web', ready: true, started: true }],
      },
    } as V1Pod;
    expect(serviceHealth([pod], [], 'alice')).toBeUndefined();
  });

  it('says over quota from the ReplicaSet FailedCreate event', () => {
    const quota = event(
      'ReplicaSet',
      'web-5d9c7',
      'FailedCreate',
      'Error creating: pods "web-5d9c7-x2v4k" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=0, limited: pods=0',
    );
    expect(serviceHealth([], [quota], 'alice')).toEqual({
      state: 'Failed',
      reason: 'over the quota of alice: needs 1 pod, 0 pods free of 0',
    });
  });

  it('says over quota in the words of the fit check, each resource short', () => {
    const quota = event(
      'ReplicaSet',
      'web-5d9c7',
      'FailedCreate',
      'Error creating: pods "web-5d9c7-x2v4k" is forbidden: exceeded quota: compute, requested: limits.memory=2Gi,requests.cpu=1500m, used: limits.memory=7Gi,requests.cpu=3, limited: limits.memory=8Gi,requests.cpu=4',
    );
    expect(serviceHealth([], [quota], 'alice')?.reason).toBe(
      'over the quota of alice: needs 2 GiB of memory limits, 1 GiB of memory limits free of 8 GiB; needs 1.5 CPU, 1 CPU free of 4',
    );
  });

  it('says which request or limit a quota demands and which container lacks it', () => {
    // As the API server words it (kube-apiserver 1.36).
    const quota = event(
      'ReplicaSet',
      'web-5d9c7',
      'FailedCreate',
      'Error creating: pods "web-5d9c7-x2v4k" is forbidden: failed quota: compute: must specify limits.memory for: web; requests.cpu for: web,sidecar',
    );
    expect(serviceHealth([], [quota], 'alice')).toEqual({
      state: 'Failed',
      reason:
        'refused by the quota of alice: every container must set a memory limit (web sets none); a CPU request (web, sidecar set none)',
    });
  });

  it('says which resource no node has free', () => {
    const pod = pendingPod(
      '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
    );
    expect(serviceHealth([pod], [], 'alice')).toEqual({
      state: 'Failed',
      reason: 'no node has 1000 CPU free',
    });
  });

  it('names the volume a pod waits for', () => {
    const pod = pendingPod(
      '0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
      {
        volumes: [
          { name: 'data', persistentVolumeClaim: { claimName: 'data-web' } },
        ],
      },
    );
    expect(serviceHealth([pod], [], 'alice')).toEqual({
      state: 'Starting',
      reason: 'waiting for volume data-web',
    });
  });

  it('says an image cannot be pulled and why, shortly', () => {
    const pod = waitingPod(
      'ErrImagePull',
      'rpc error: code = NotFound desc = failed to pull and unpack image "registry.knot.internal/knot/hello:nope": failed to resolve reference "registry.knot.internal/knot/hello:nope": registry.knot.internal/knot/hello:nope: not found',
    );
    expect(serviceHealth([pod], [], 'alice')).toEqual({
      state: 'Failed',
      reason:
        'image registry.knot.internal/knot/hello:nope cannot be pulled: not found',
    });
    const backOff = waitingPod(
      'ImagePullBackOff',
      'Back-off pulling image "registry.knot.internal/knot/hello:nope"',
    );
    expect(serviceHealth([backOff], [], 'alice')?.reason).toBe(
      'image registry.knot.internal/knot/hello:nope cannot be pulled: pull keeps failing',
    );
  });

  it('says a crash-looping container keeps crashing, with its exit code', () => {
    const pod = waitingPod(
      'CrashLoopBackOff',
      'back-off 40s restarting failed container=web pod=web-5d9c7-abcde',
      3,
    );
    expect(serviceHealth([pod], [], 'alice')).toEqual({
      state: 'Failed',
      reason: 'keeps crashing: exit code 3 (container web)',
      crashed: { pod: 'web-5d9c7-abcde', container: 'web', previous: true },
    });
  });

  it('says an init container keeps crashing', () => {
    const pod = waitingPod('PodInitializing', '', undefined);
    pod.status!.initContainerStatuses = [
      {
        name: 'migrate',
        image: 'x',
        imageID: '',
        ready: false,
        restartCount: 2,
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error' } },
      },
    ];
    expect(serviceHealth([pod], [], 'alice')).toEqual({
      state: 'Failed',
      reason: 'keeps crashing: exit code 1 (container migrate)',
      crashed: { pod: 'web-5d9c7-abcde', container: 'migrate', previous: true },
    });
  });

  it('says a container keeps running out of memory, with its limit', () => {
    const pod = waitingPod('CrashLoopBackOff', 'back-off', 137);
    pod.status!.containerStatuses![0].lastState!.terminated!.reason =
      'OOMKilled';
    pod.spec!.containers[0].resources = { limits: { memory: '64Mi' } };
    expect(serviceHealth([pod], [], 'alice')?.reason).toBe(
      'keeps running out of memory: limit 64Mi (container web)',
    );
  });

  it('names the volume the kubelet cannot mount, and why', () => {
    const pod = waitingPod('ContainerCreating', '');
    const mount = event(
      'Pod',
      'web-5d9c7-abcde',
      'FailedMount',
      'MountVolume.SetUp failed for volume "config" : configmap "web-config" not found',
    );
    expect(serviceHealth([pod], [mount], 'alice')).toEqual({
      state: 'Starting',
      reason: 'waiting for volume config: configmap "web-config" not found',
    });
  });

  it('says keeps crashing between two back-offs too', () => {
    const pod = waitingPod('x', 'y', 3);
    pod.status!.containerStatuses![0].state = {
      terminated: { exitCode: 3, reason: 'Error' },
    };
    expect(serviceHealth([pod], [], 'alice')?.reason).toBe(
      'keeps crashing: exit code 3 (container web)',
    );
  });

  it('says a running pod is not ready, with its failing probe', () => {
    const pod = {
      metadata: { name: 'web-1' },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'False' }],
        containerStatuses: [{ name: 'web', ready: false, started: true }],
      },
    } as V1Pod;
    const probe = {
      ...event(
        'Pod',
        'web-1',
        'Unhealthy',
        'Readiness probe failed: HTTP probe failed with statuscode: 503',
      ),
    };
    expect(serviceHealth([pod], [probe], 'alice')).toEqual({
      state: 'Starting',
      reason:
        'not ready yet: Readiness probe failed: HTTP probe failed with statuscode: 503',
    });
  });

  it('forgets an old quota refusal once a pod was created and runs', () => {
    const quota = event(
      'ReplicaSet',
      'web-5d9c7',
      'FailedCreate',
      'Error creating: pods "x" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=0, limited: pods=0',
    );
    const ready = {
      metadata: { name: 'p' },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'web', ready: true, started: true }],
      },
    } as V1Pod;
    expect(serviceHealth([ready], [quota], 'alice')).toBeUndefined();
  });
});

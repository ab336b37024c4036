import type { V1LimitRange, V1PodSpec } from '@kubernetes/client-node';
import {
  containerDefaults,
  podUsage,
  unsetResources,
  type ContainerDefaults,
} from './podUsage';

const none: ContainerDefaults = { limits: {}, requests: {} };

const container = (
  name: string,
  requests?: Record<string, string>,
  limits?: Record<string, string>,
) => ({ name, image: 'x', resources: { requests, limits } });

describe('podUsage', () => {
  it('sums the containers, in milli-units, under both names a quota may use', () => {
    const spec: V1PodSpec = {
      containers: [
        container('a', { cpu: '500m', memory: '256Mi' }),
        container('b', { cpu: '1', memory: '0.5Gi' }, { cpu: '2' }),
      ],
    };
    const usage = podUsage(spec, none);
    expect(usage.get('pods')).toBe(1000);
    expect(usage.get('requests.cpu')).toBe(1500);
    expect(usage.get('cpu')).toBe(1500);
    expect(usage.get('requests.memory')).toBe(768 * 2 ** 20 * 1000);
    expect(usage.get('limits.cpu')).toBe(2000);
    expect(usage.has('limits.memory')).toBe(false);
  });

  it('multiplies by the replicas', () => {
    const usage = podUsage(
      { containers: [container('a', { cpu: '0.3' })] },
      none,
      3,
    );
    expect(usage.get('requests.cpu')).toBe(900);
    expect(usage.get('pods')).toBe(3000);
  });

  it('takes a limit without a request as the request (API defaulting)', () => {
    const usage = podUsage(
      {
        containers: [
          container('a', undefined, { cpu: '2', 'nvidia.com/gpu': '1' }),
        ],
      },
      none,
    );
    expect(usage.get('requests.cpu')).toBe(2000);
    expect(usage.get('requests.nvidia.com/gpu')).toBe(1000);
  });

  it('counts the largest init container when it exceeds the containers', () => {
    const spec: V1PodSpec = {
      initContainers: [
        container('migrate', { cpu: '3' }),
        container('small', { cpu: '100m', memory: '1Gi' }),
      ],
      containers: [container('a', { cpu: '1', memory: '128Mi' })],
    };
    const usage = podUsage(spec, none);
    expect(usage.get('requests.cpu')).toBe(3000);
    expect(usage.get('requests.memory')).toBe(2 ** 30 * 1000);
  });

  it('adds sidecars (restartPolicy Always) to the containers and to later init containers', () => {
    const spec: V1PodSpec = {
      initContainers: [
        { ...container('proxy', { cpu: '500m' }), restartPolicy: 'Always' },
        container('init', { cpu: '1' }),
      ],
      containers: [container('a', { cpu: '250m' })],
    };
    // max(0.25 + 0.5, 1 + 0.5)
    expect(podUsage(spec, none).get('requests.cpu')).toBe(1500);
  });

  it('adds the pod overhead', () => {
    const spec: V1PodSpec = {
      containers: [container('a', { cpu: '1' })],
      overhead: { cpu: '250m' },
    };
    expect(podUsage(spec, none).get('requests.cpu')).toBe(1250);
  });

  it("fills what containers leave unset from the namespace's LimitRange", () => {
    const ranges: V1LimitRange[] = [
      {
        spec: {
          limits: [
            { type: 'Pod', max: { cpu: '64' } },
            {
              type: 'Container',
              _default: { cpu: '1', memory: '1Gi' },
              defaultRequest: { cpu: '200m' },
            },
          ],
        },
      },
      // A later LimitRange only fills what is still unset.
      {
        spec: {
          limits: [
            { type: 'Container', defaultRequest: { cpu: '3', memory: '64Mi' } },
          ],
        },
      },
    ];
    const defaults = containerDefaults(ranges);
    expect(defaults).toEqual({
      limits: { cpu: '1', memory: '1Gi' },
      // defaultRequest of memory falls back to default (1Gi) in the first.
      requests: { cpu: '200m', memory: '1Gi' },
    });
    const spec: V1PodSpec = {
      containers: [
        container('bare'),
        container('own', { cpu: '500m' }),
        container('limited', undefined, { cpu: '2' }),
      ],
    };
    const usage = podUsage(spec, defaults);
    // 0.2 (default) + 0.5 (own) + 2 (its limit, as request)
    expect(usage.get('requests.cpu')).toBe(2700);
    expect(usage.get('limits.cpu')).toBe(1000 + 1000 + 2000);
    expect(usage.get('requests.memory')).toBe(3 * 2 ** 30 * 1000);
  });

  it('takes max as the default limit when a LimitRange sets no default', () => {
    const defaults = containerDefaults([
      { spec: { limits: [{ type: 'Container', max: { cpu: '2' } }] } },
    ]);
    expect(defaults).toEqual({ limits: { cpu: '2' }, requests: { cpu: '2' } });
  });

  it('names the containers that leave a compute resource unset', () => {
    const spec: V1PodSpec = {
      containers: [container('a', { cpu: '1' }), container('b')],
    };
    const unset = unsetResources(spec, none);
    expect(unset.get('requests.cpu')).toBe('b');
    expect(unset.get('requests.memory')).toBe('a');
    expect(unset.get('limits.cpu')).toBe('a');
    expect(
      unsetResources(spec, {
        limits: {},
        requests: { cpu: '1', memory: '1' },
      }).has('cpu'),
    ).toBe(false);
  });
});

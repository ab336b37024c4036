import { mockProfileAccess } from '@knot-platform/knot-test-utils';
import { Helm } from './Helm';
import { ReleaseEntities } from './releaseEntities';
import { parseHelmTime, serviceState, splitChart } from './releaseStatus';
import { uniqueName } from './ServiceInstaller';

describe('release helpers', () => {
  it('reads helm times and chart names', () => {
    expect(parseHelmTime('2026-11-23 01:58:54.349131 +0000 UTC')).toBe(
      '2026-11-23T01:58:54.349Z',
    );
    expect(parseHelmTime('2026-11-23 03:00:00 +0200 EET')).toBe(
      '2026-11-23T01:00:00.000Z',
    );
    expect(splitChart('hello-kubernetes-1.0.0')).toEqual({
      name: 'hello-kubernetes',
      version: '1.0.0',
    });
    expect(splitChart('my-chart-2-1.0.0-rc.1')).toEqual({
      name: 'my-chart-2',
      version: '1.0.0-rc.1',
    });
  });

  it('derives the state from helm and the workloads', () => {
    expect(serviceState('deployed', { desired: 1, ready: 1 })).toBe('Running');
    expect(serviceState('deployed', { desired: 2, ready: 1 })).toBe('Starting');
    expect(serviceState('pending-install', undefined)).toBe('Starting');
    expect(serviceState('failed', { desired: 1, ready: 1 })).toBe('Failed');
    expect(serviceState('superseded', undefined)).toBe('Unknown');
  });

  it('suffixes taken names', () => {
    expect(uniqueName('app', new Set())).toBe('app');
    expect(uniqueName('app', new Set(['app', 'app-2']))).toBe('app-3');
  });

  it('describes a release as a catalog Component the Kubernetes tab can follow', async () => {
    const provider = new ReleaseEntities(
      new Helm('helm'),
      mockProfileAccess(),
      { domain: 'knot.test', scheme: 'https' },
      'knot-',
    );
    const entity = await provider.componentOf({
      name: 'hello',
      namespace: 'knot-alice',
      revision: '1',
      updated: '2026-11-23 01:58:54 +0000 UTC',
      status: 'deployed',
      chart: 'hello-kubernetes-1.0.0',
      app_version: '1.10',
    });
    expect(entity.metadata.name).toBe('hello-alice');
    expect(entity.spec).toEqual({
      type: 'service',
      lifecycle: 'production',
      owner: 'user:default/alice',
    });
    expect(entity.metadata.annotations).toMatchObject({
      'backstage.io/kubernetes-id': 'hello',
      'backstage.io/kubernetes-namespace': 'knot-alice',
      'backstage.io/kubernetes-label-selector':
        'app.kubernetes.io/instance=hello',
    });
    expect(entity.metadata.links).toEqual([
      { url: 'https://hello-alice.knot.test/', title: 'Open the service' },
    ]);
  });
});

import { ConfigReader } from '@backstage/config';
import { profileManifests } from './manifests';
import { readProvisioningConfig } from './config';

function config(knot: object) {
  return readProvisioningConfig(new ConfigReader({ knot }));
}

const alice = { name: 'alice', isTeam: false, active: true };

describe('profileManifests', () => {
  const hostPath = config({
    storage: { privateDir: '/data/private', sharedDir: '/data/shared' },
  });

  it('names and labels everything by the shared contract', () => {
    const m = profileManifests(alice, hostPath);
    expect(m.namespace.metadata).toEqual({
      name: 'knot-alice',
      labels: {
        'app.kubernetes.io/managed-by': 'knot',
        'knot/owner': 'alice',
        knot: 'enabled',
        'pod-security.kubernetes.io/enforce': 'baseline',
      },
    });
    const all = [...m.objects, ...m.claims];
    expect(all.map(o => `${o.kind} ${o.metadata.name}`)).toEqual([
      'ServiceAccount knot',
      'RoleBinding knot',
      'PersistentVolume knot-private-alice',
      'PersistentVolume knot-shared-alice',
      'PersistentVolumeClaim knot-private',
      'PersistentVolumeClaim knot-shared',
    ]);
    for (const o of all) {
      expect(o.metadata.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'knot',
        'knot/owner': 'alice',
      });
    }
    // No quota or limits configured: none may linger.
    expect(m.absent.map(a => a.kind)).toEqual(['ResourceQuota', 'LimitRange']);
  });

  it("names the PVs with the installation's namespace prefix, so two installations never share one", () => {
    const other = config({
      storage: { privateDir: '/data/private', sharedDir: '/data/shared' },
      namespacePrefix: 'lab2-',
    });
    const m = profileManifests(alice, other);
    const names = (kind: string) =>
      [...m.objects, ...m.claims]
        .filter(o => o.kind === kind)
        .map(o => o.metadata.name);
    expect(names('PersistentVolume')).toEqual([
      'lab2-private-alice',
      'lab2-shared-alice',
    ]);
    expect(
      m.claims.map(c => (c.spec as { volumeName: string }).volumeName),
    ).toEqual(['lab2-private-alice', 'lab2-shared-alice']);
    expect(m.namespace.metadata.name).toBe('lab2-alice');
  });

  it('binds the in-cluster portal to the namespace role, active or not', () => {
    const inCluster = config({
      storage: { privateDir: '/data/private', sharedDir: '/data/shared' },
      provisioning: {
        portalAccess: {
          serviceAccount: 'knot-portal',
          namespace: 'knot-system',
        },
      },
    });
    for (const active of [true, false]) {
      const m = profileManifests({ ...alice, active }, inCluster);
      const binding = m.objects.find(o => o.metadata.name === 'knot-portal');
      expect(binding).toMatchObject({
        kind: 'RoleBinding',
        metadata: { namespace: 'knot-alice' },
        roleRef: { kind: 'ClusterRole', name: 'admin' },
        subjects: [
          {
            kind: 'ServiceAccount',
            name: 'knot-portal',
            namespace: 'knot-system',
          },
        ],
      });
    }
    // Outside a cluster (development) there is no such binding.
    expect(
      profileManifests(alice, hostPath).objects.map(o => o.metadata.name),
    ).not.toContain('knot-portal');
  });

  it("binds a team's members' ServiceAccounts: edit for members, view for viewers", () => {
    const team = {
      name: 'lab',
      isTeam: true,
      active: true,
      members: [
        { name: 'alice', role: 'owner' as const },
        { name: 'bob', role: 'member' as const },
        { name: 'carol', role: 'viewer' as const },
      ],
    };
    const bindings = (m: ReturnType<typeof profileManifests>) =>
      Object.fromEntries(
        m.objects
          .filter(o => o.kind === 'RoleBinding')
          .map(o => [
            o.metadata.name,
            {
              role: (o.roleRef as { name: string }).name,
              subjects: (
                o.subjects as Array<{ namespace: string; name: string }>
              ).map(s => `${s.namespace}/${s.name}`),
            },
          ]),
      );
    expect(bindings(profileManifests(team, hostPath))).toEqual({
      knot: {
        role: 'admin',
        subjects: ['knot-lab/default', 'knot-lab/knot'],
      },
      'knot-members': {
        role: 'edit',
        subjects: [
          'knot-alice/default',
          'knot-alice/knot',
          'knot-bob/default',
          'knot-bob/knot',
        ],
      },
      'knot-viewers': {
        role: 'view',
        subjects: ['knot-carol/default', 'knot-carol/knot'],
      },
    });
    // Without viewers, or deactivated, the bindings must go.
    const noViewers = profileManifests(
      { ...team, members: team.members.slice(0, 2) },
      hostPath,
    );
    expect(noViewers.absent.map(a => a.name)).toContain('knot-viewers');
    const suspended = profileManifests({ ...team, active: false }, hostPath);
    expect(suspended.absent.map(a => a.name)).toEqual(
      expect.arrayContaining(['knot', 'knot-members', 'knot-viewers']),
    );
    expect(Object.keys(bindings(suspended))).toEqual([]);
  });

  it('pre-binds each PV to its PVC, private folder per profile', () => {
    const m = profileManifests(alice, hostPath);
    const [, , privatePv, sharedPv] = m.objects as any[];
    expect(privatePv.spec).toMatchObject({
      accessModes: ['ReadWriteMany'],
      claimRef: { namespace: 'knot-alice', name: 'knot-private' },
      hostPath: { path: '/data/private/alice' },
    });
    expect(sharedPv.spec.hostPath.path).toBe('/data/shared');
    expect((m.claims[0] as any).spec).toMatchObject({
      volumeName: 'knot-private-alice',
      storageClassName: '',
    });
  });

  it('points PVs at NFS or CSI when configured', () => {
    const nfs = profileManifests(
      alice,
      config({
        storage: {
          volume: {
            type: 'nfs',
            nfs: { server: 'nfs.example', privatePath: '/p', sharedPath: '/s' },
          },
        },
      }),
    );
    expect((nfs.objects[2] as any).spec.nfs).toEqual({
      server: 'nfs.example',
      path: '/p/alice',
    });
    const csi = profileManifests(
      alice,
      config({
        storage: {
          volume: {
            type: 'csi',
            csi: {
              driver: 'nfs.csi.k8s.io',
              volumeHandlePrefix: 'h-',
              volumeAttributes: { subDir: '{domain}/{name}' },
            },
          },
        },
      }),
    );
    expect((csi.objects[2] as any).spec.csi).toEqual({
      driver: 'nfs.csi.k8s.io',
      volumeHandle: 'h-knot-private-alice',
      volumeAttributes: { subDir: 'private/alice' },
    });
  });

  it('refuses an unknown volume type', () => {
    expect(() => config({ storage: { volume: { type: 'ceph' } } })).toThrow(
      /hostPath, nfs or csi/,
    );
  });

  it('merges quota overrides over defaults, and stops a deactivated profile', () => {
    const c = config({
      provisioning: {
        quota: { pods: '20', 'limits.cpu': '8' },
        limitRange: { default: { cpu: '1' } },
      },
    });
    const m = profileManifests({ ...alice, quota: { pods: '50' } }, c);
    const quota = m.objects.find(o => o.kind === 'ResourceQuota') as any;
    expect(quota.spec.hard).toEqual({ pods: '50', 'limits.cpu': '8' });
    expect(m.objects.some(o => o.kind === 'LimitRange')).toBe(true);

    const off = profileManifests({ ...alice, active: false }, c);
    expect(
      (off.objects.find(o => o.kind === 'ResourceQuota') as any).spec.hard.pods,
    ).toBe('0');
    expect(off.objects.some(o => o.kind === 'RoleBinding')).toBe(false);
    expect(off.absent.map(a => a.kind)).toEqual(['RoleBinding']);
  });
});

import type { AuditRecord } from '../audit/AuditLog';
import { mockServices } from '@backstage/backend-test-utils';
import { ActivityTracker } from './ActivityTracker';
import { IdleStopper } from './IdleStopper';

const MIN = 60_000;
const t0 = Date.parse('2026-12-01T00:00:00Z');

type Obj = Record<string, any>;

/** Deployments and StatefulSets in memory: list by selector, merge patch with resourceVersion checks. */
class FakeKube {
  objects: Obj[] = [];
  patches = 0;
  deletes = 0;

  add(
    kind: string,
    namespace: string,
    name: string,
    release: string,
    replicas: number,
    extra: Obj = {},
  ) {
    this.objects.push({
      apiVersion: 'apps/v1',
      kind,
      metadata: {
        name,
        namespace,
        labels: {
          'app.kubernetes.io/instance': release,
          ...(extra.labels ?? {}),
        },
        annotations: { ...(extra.annotations ?? {}) },
        creationTimestamp: new Date(t0).toISOString(),
        resourceVersion: '1',
      },
      spec: { replicas },
    });
  }

  find(namespace: string, name: string) {
    return this.objects.find(
      o => o.metadata.namespace === namespace && o.metadata.name === name,
    )!;
  }

  async list(
    _apiVersion: string,
    kind: string,
    selector: string,
    namespace?: string,
  ) {
    const [key, value] = selector.split('=');
    return structuredClone(
      this.objects.filter(
        o =>
          o.kind === kind &&
          (!namespace || o.metadata.namespace === namespace) &&
          (value === undefined
            ? key in o.metadata.labels
            : o.metadata.labels[key] === value),
      ),
    );
  }

  async mergePatch(
    target: { kind: string; name: string; namespace?: string },
    patch: Obj,
  ) {
    const o = this.objects.find(
      x =>
        x.kind === target.kind &&
        x.metadata.name === target.name &&
        x.metadata.namespace === target.namespace,
    );
    if (!o) throw new Error('not found');
    const { resourceVersion, ...metadata } = patch.metadata ?? {};
    if (resourceVersion && resourceVersion !== o.metadata.resourceVersion) {
      throw new Error('409 Conflict');
    }
    const merge = (into: Obj, from: Obj) => {
      for (const [k, v] of Object.entries(from)) {
        if (v === null) delete into[k];
        else if (typeof v === 'object' && !Array.isArray(v))
          merge((into[k] ??= {}), v);
        else into[k] = v;
      }
    };
    merge(o, { metadata, ...(patch.spec ? { spec: patch.spec } : {}) });
    o.metadata.resourceVersion = String(Number(o.metadata.resourceVersion) + 1);
    this.patches += 1;
    return o;
  }
}

function setup(
  { defaultAfterMs }: { defaultAfterMs?: number } = {
    defaultAfterMs: 60 * MIN,
  },
) {
  const kube = new FakeKube();
  const tracker = new ActivityTracker();
  const audited: AuditRecord[] = [];
  let now = t0;
  const stopper = new IdleStopper({
    audit: { record: async entry => void audited.push(entry) },
    kube: kube as any,
    claims: async () => ({
      releaseAt: (host: string) =>
        ((
          {
            'lab-alice.knot.test': 'lab',
            'web-alice.knot.test': 'web',
          } as Record<string, string>
        )[host]),
    }),
    namespaces: async () => ['knot-alice'],
    namespacePrefix: 'knot-',
    config: { defaultAfterMs, checkIntervalMs: MIN, flushIntervalMs: MIN },
    tracker,
    logger: mockServices.logger.mock(),
    now: () => now,
    chartAnnotations: async (name: string): Promise<Record<string, string>> =>
      name === 'keeper' ? { 'knot/idle-after': 'never' } : {},
  });
  return {
    kube,
    tracker,
    stopper,
    audited,
    at: (ms: number) => (now = ms),
  };
}

describe('IdleStopper', () => {
  it('stops the idle release, not the one opened through forward-auth; Start restores; nothing deleted', async () => {
    const { kube, tracker, stopper, audited, at } = setup();
    kube.add('Deployment', 'knot-alice', 'lab', 'lab', 2);
    kube.add('StatefulSet', 'knot-alice', 'lab-db', 'lab', 1);
    kube.add('Deployment', 'knot-alice', 'web', 'web', 1);
    kube.add('Deployment', 'knot-bob', 'other', 'other', 1); // not a profile namespace listed

    at(t0 + 50 * MIN);
    tracker.touch('alice', 'web-alice.knot.test', t0 + 50 * MIN);
    at(t0 + 59 * MIN);
    expect(await stopper.runOnce()).toEqual([]);
    // The access was flushed onto web's workload.
    expect(
      kube.find('knot-alice', 'web').metadata.annotations['knot/last-access'],
    ).toBe(new Date(t0 + 50 * MIN).toISOString());

    at(t0 + 61 * MIN);
    expect(await stopper.runOnce()).toEqual(['knot-alice/lab']);
    // One audit entry per stop, by Knot itself, on the owner's profile.
    expect(audited).toEqual([
      expect.objectContaining({
        action: 'service.idleStop',
        actor: 'system',
        actingProfile: 'alice',
        target: 'service alice/lab',
        result: 'success',
      }),
    ]);
    const lab = kube.find('knot-alice', 'lab');
    expect(lab.spec.replicas).toBe(0);
    expect(lab.metadata.labels['knot/idle-stopped']).toBe('true');
    expect(lab.metadata.annotations['knot/idle-replicas']).toBe('2');
    expect(lab.metadata.annotations['knot/idle-stopped-after-ms']).toBe(
      String(61 * MIN),
    );
    expect(kube.find('knot-alice', 'lab-db').spec.replicas).toBe(0);
    expect(kube.find('knot-alice', 'web').spec.replicas).toBe(1);
    expect(kube.find('knot-bob', 'other').spec.replicas).toBe(1);
    expect(kube.objects).toHaveLength(4);

    const idle = await stopper.idleOf('knot-alice');
    expect(idle.get('lab')).toEqual({
      keepRunning: false,
      afterMs: 60 * MIN,
      stoppedAt: new Date(t0 + 61 * MIN).toISOString(),
      stoppedAfterMs: 61 * MIN,
    });
    expect(idle.get('web')?.stopsAt).toBe(
      new Date(t0 + 110 * MIN).toISOString(),
    );
    expect(await stopper.stoppedAt('alice', 'lab-alice.knot.test')).toEqual({
      release: 'lab',
      afterMs: 61 * MIN,
    });
    expect(
      await stopper.stoppedAt('alice', 'web-alice.knot.test'),
    ).toBeUndefined();

    // A second round changes nothing.
    const patches = kube.patches;
    at(t0 + 62 * MIN);
    expect(await stopper.runOnce()).toEqual([]);
    expect(kube.patches).toBe(patches);

    at(t0 + 70 * MIN);
    expect(await stopper.start('knot-alice', 'lab')).toBe(2);
    expect(kube.find('knot-alice', 'lab').spec.replicas).toBe(2);
    expect(kube.find('knot-alice', 'lab-db').spec.replicas).toBe(1);
    expect(
      kube.find('knot-alice', 'lab').metadata.labels['knot/idle-stopped'],
    ).toBeUndefined();
    expect(
      kube.find('knot-alice', 'lab').metadata.annotations['knot/idle-replicas'],
    ).toBeUndefined();
    expect(
      await stopper.stoppedAt('alice', 'lab-alice.knot.test'),
    ).toBeUndefined();
    // Started counts as opened: the full idle time again.
    at(t0 + 129 * MIN);
    expect(await stopper.runOnce()).toEqual(['knot-alice/web']);
  });

  it('keeps running what its owner keeps running, and its chart exempts', async () => {
    const { kube, stopper, at } = setup();
    kube.add('Deployment', 'knot-alice', 'lab', 'lab', 1);
    kube.add('Deployment', 'knot-alice', 'kept', 'kept', 1, {
      labels: { 'helm.sh/chart': 'keeper-1.0.0' },
    });
    await stopper.setKeepRunning('knot-alice', 'lab', true);
    at(t0 + 10 * 60 * MIN);
    expect(await stopper.runOnce()).toEqual([]);
    expect((await stopper.idleOf('knot-alice')).get('lab')).toEqual({
      keepRunning: true,
    });
    // Undone: the idle time starts afresh.
    await stopper.setKeepRunning('knot-alice', 'lab', false);
    expect(await stopper.runOnce()).toEqual([]);
    at(t0 + 11 * 60 * MIN);
    expect(await stopper.runOnce()).toEqual(['knot-alice/lab']);
  });

  it('leaves a deactivated (suspended) release to deactivation, and Start refuses it', async () => {
    const { kube, stopper, at } = setup();
    kube.add('Deployment', 'knot-alice', 'lab', 'lab', 0, {
      labels: { 'knot/suspended': 'true' },
      annotations: { 'knot/suspended-replicas': '1' },
    });
    at(t0 + 10 * 60 * MIN);
    expect(await stopper.runOnce()).toEqual([]);
    await expect(stopper.start('knot-alice', 'lab')).rejects.toThrow(
      /profile is deactivated/,
    );
    expect(
      kube.find('knot-alice', 'lab').metadata.annotations[
        'knot/suspended-replicas'
      ],
    ).toBe('1');
  });

  it('answers 404 words for a release that is not there', async () => {
    const { stopper } = setup();
    await expect(stopper.start('knot-alice', 'nope')).rejects.toThrow(
      "No service 'nope' in knot-alice",
    );
    await expect(
      stopper.setKeepRunning('knot-alice', 'nope', true),
    ).rejects.toThrow(/No service/);
  });

  it('never moves a last access back; keeps an access whose write lost a race', async () => {
    const { kube, tracker, stopper } = setup();
    kube.add('Deployment', 'knot-alice', 'web', 'web', 1, {
      annotations: {
        'knot/last-access': new Date(t0 + 10 * MIN).toISOString(),
      },
    });
    tracker.touch('alice', 'web-alice.knot.test', t0 + 5 * MIN);
    await stopper.flush();
    expect(
      kube.find('knot-alice', 'web').metadata.annotations['knot/last-access'],
    ).toBe(new Date(t0 + 10 * MIN).toISOString());

    // Another replica writes between our read and our write.
    const realList = kube.list.bind(kube);
    kube.list = async (...args: [string, string, string, string?]) => {
      const items = await realList(...args);
      kube.find('knot-alice', 'web').metadata.resourceVersion = '99';
      return items;
    };
    tracker.touch('alice', 'web-alice.knot.test', t0 + 20 * MIN);
    await stopper.flush();
    kube.list = realList;
    expect(tracker.drain()).toEqual([
      { owner: 'alice', host: 'web-alice.knot.test', atMs: t0 + 20 * MIN },
    ]);
  });

  it('stops nothing without an idle time', async () => {
    const { kube, stopper, at } = setup({});
    kube.add('Deployment', 'knot-alice', 'lab', 'lab', 1);
    at(t0 + 1000 * 60 * MIN);
    expect(await stopper.runOnce()).toEqual([]);
  });
});

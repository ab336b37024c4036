import {
  effectiveIdleAfter,
  releaseIdleState,
  type IdleWorkload,
} from './releaseIdleState';

const HOUR = 3_600_000;
const t0 = Date.parse('2026-12-01T00:00:00Z');

const workload = (over: Partial<IdleWorkload> = {}): IdleWorkload => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace: 'knot-alice',
  name: 'lab',
  replicas: 1,
  labels: { 'app.kubernetes.io/instance': 'lab' },
  annotations: {},
  createdMs: t0,
  ...over,
});

describe('the idle time of a release', () => {
  it('is the default, the chart annotation over it, none when kept running', () => {
    expect(
      effectiveIdleAfter({ keepRunning: false, defaultAfterMs: 8 * HOUR }),
    ).toBe(8 * HOUR);
    expect(
      effectiveIdleAfter({
        keepRunning: false,
        defaultAfterMs: 8 * HOUR,
        chartAnnotations: { 'knot/idle-after': '2h' },
      }),
    ).toBe(2 * HOUR);
    expect(
      effectiveIdleAfter({
        keepRunning: false,
        defaultAfterMs: 8 * HOUR,
        chartAnnotations: { 'knot/idle-after': 'never' },
      }),
    ).toBeUndefined();
    expect(
      effectiveIdleAfter({
        keepRunning: false,
        chartAnnotations: { 'knot/idle-after': '30m' },
      }),
    ).toBe(30 * 60_000);
    expect(
      effectiveIdleAfter({
        keepRunning: true,
        defaultAfterMs: 8 * HOUR,
        chartAnnotations: { 'knot/idle-after': '2h' },
      }),
    ).toBeUndefined();
  });

  it('ignores a chart annotation that does not parse, and says so', () => {
    const errors: string[] = [];
    expect(
      effectiveIdleAfter({
        keepRunning: false,
        defaultAfterMs: HOUR,
        chartAnnotations: { 'knot/idle-after': 'soon' },
        onChartError: e => errors.push(e),
      }),
    ).toBe(HOUR);
    expect(errors[0]).toMatch(/knot\/idle-after must be a duration/);
  });
});

describe('the stopper decision (fake clock)', () => {
  it('is due once the idle time has passed since the last access', () => {
    const w = workload({
      annotations: { 'knot/last-access': new Date(t0 + HOUR).toISOString() },
    });
    const before = releaseIdleState([w], 8 * HOUR, t0 + 9 * HOUR - 1);
    expect(before.due).toBe(false);
    expect(before.stopsAtMs).toBe(t0 + 9 * HOUR);
    expect(releaseIdleState([w], 8 * HOUR, t0 + 9 * HOUR).due).toBe(true);
  });

  it('counts from creation when nobody opened it, and takes the latest of all times', () => {
    expect(releaseIdleState([workload()], HOUR, t0 + HOUR - 1).due).toBe(false);
    expect(releaseIdleState([workload()], HOUR, t0 + HOUR).due).toBe(true);
    // Unflushed accesses and either workload's annotation count.
    const two = [
      workload({
        annotations: { 'knot/last-access': new Date(t0 + 1).toISOString() },
      }),
      workload({
        name: 'db',
        kind: 'StatefulSet',
        annotations: {
          'knot/last-access': new Date(t0 + 2 * HOUR).toISOString(),
        },
      }),
    ];
    expect(releaseIdleState(two, HOUR, t0 + 2.5 * HOUR).due).toBe(false);
    expect(
      releaseIdleState([workload()], HOUR, t0 + 2 * HOUR, t0 + 1.5 * HOUR).due,
    ).toBe(false);
  });

  it('is never due without an idle time, kept running, suspended or stopped already', () => {
    const late = t0 + 100 * HOUR;
    expect(releaseIdleState([workload()], undefined, late).due).toBe(false);
    const suspended = workload({
      labels: { 'knot/suspended': 'true' },
      replicas: 0,
    });
    expect(releaseIdleState([suspended], HOUR, late).due).toBe(false);
    const suspendedRunning = workload({ labels: { 'knot/suspended': 'true' } });
    expect(releaseIdleState([suspendedRunning], HOUR, late).due).toBe(false);
    const stopped = workload({
      replicas: 0,
      labels: { 'knot/idle-stopped': 'true' },
      annotations: {
        'knot/idle-stopped-at': new Date(t0 + 8 * HOUR).toISOString(),
        'knot/idle-stopped-after-ms': String(8 * HOUR),
      },
    });
    const state = releaseIdleState([stopped], HOUR, late);
    expect(state.due).toBe(false);
    expect(state.stopped).toEqual({ atMs: t0 + 8 * HOUR, afterMs: 8 * HOUR });
    // Scaled to zero by someone else: nothing to stop.
    expect(releaseIdleState([workload({ replicas: 0 })], HOUR, late).due).toBe(
      false,
    );
  });

  it('reads a stale stopped mark on a running workload as running (after a helm upgrade)', () => {
    const upgraded = workload({
      labels: { 'knot/idle-stopped': 'true' },
      replicas: 1,
    });
    const state = releaseIdleState([upgraded], HOUR, t0 + 2 * HOUR);
    expect(state.stopped).toBeUndefined();
    expect(state.due).toBe(true);
  });

  it('reads keep running from the workloads', () => {
    const kept = workload({ annotations: { 'knot/keep-running': 'true' } });
    expect(releaseIdleState([kept], undefined, t0).keepRunning).toBe(true);
  });
});

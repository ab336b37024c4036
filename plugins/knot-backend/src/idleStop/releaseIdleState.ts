import { SUSPENDED_LABEL } from '@knot-platform/plugin-knot-common';
import type { KnotServiceIdle } from '@knot-platform/plugin-knot-common';
import { parseIdleDuration } from './config';
import {
  CHART_IDLE_AFTER_ANNOTATION,
  IDLE_STOPPED_AFTER_ANNOTATION,
  IDLE_STOPPED_AT_ANNOTATION,
  IDLE_STOPPED_LABEL,
  KEEP_RUNNING_ANNOTATION,
  LAST_ACCESS_ANNOTATION,
} from './idleLabels';

/** One Deployment or StatefulSet of a release, as idle stop reads it. */
export interface IdleWorkload {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  replicas: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** creationTimestamp, ms. */
  createdMs: number;
  resourceVersion?: string;
}

/** Where a release stands for idle stop at one moment. */
export interface ReleaseIdleState {
  keepRunning: boolean;
  /** Deactivation scaled it down: idle stop leaves it alone. */
  suspended: boolean;
  /** Idle stop scaled it down, at and after (ms). */
  stopped?: { atMs: number; afterMs?: number };
  /** The idle time that applies; undefined: never stopped. */
  afterMs?: number;
  /** The last access known (or the workloads' creation when none). */
  lastAccessMs: number;
  /** When it will be stopped; undefined when it will not. */
  stopsAtMs?: number;
  /** Whether the stopper scales it to zero now. */
  due: boolean;
}

const timeOf = (value: string | undefined) => {
  const ms = value ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
};

/**
 * The idle time of a release: none when its owner keeps it running; else
 * its chart's `knot/idle-after` annotation when the chart has one (`never`
 * included); else the configured default. A chart annotation that does not
 * parse counts as absent (reported through `onChartError`).
 */
export function effectiveIdleAfter(options: {
  keepRunning: boolean;
  chartAnnotations?: Record<string, string>;
  defaultAfterMs?: number;
  onChartError?: (message: string) => void;
}): number | undefined {
  if (options.keepRunning) return undefined;
  const chartValue = options.chartAnnotations?.[CHART_IDLE_AFTER_ANNOTATION];
  if (chartValue !== undefined) {
    try {
      return parseIdleDuration(chartValue, CHART_IDLE_AFTER_ANNOTATION);
    } catch (error) {
      options.onChartError?.(String((error as Error).message ?? error));
    }
  }
  return options.defaultAfterMs;
}

/** Whether the owner asked to keep the release running (on any workload). */
export function keepsRunning(workloads: IdleWorkload[]): boolean {
  return workloads.some(w => w.annotations[KEEP_RUNNING_ANNOTATION] === 'true');
}

/**
 * The decision for one release: it is due when it runs (some replicas),
 * is neither suspended nor stopped already, has an idle time, and nobody
 * went through forward-auth to it for that long. The last access is the
 * latest of the flushed annotations, this replica's unflushed accesses and
 * the workloads' creation (a new service gets the whole idle time).
 */
export function releaseIdleState(
  workloads: IdleWorkload[],
  afterMs: number | undefined,
  nowMs: number,
  unflushedAccessMs?: number,
): ReleaseIdleState {
  const keepRunning = keepsRunning(workloads);
  const suspended = workloads.some(w => !!w.labels[SUSPENDED_LABEL]);
  const marked = workloads.filter(w => !!w.labels[IDLE_STOPPED_LABEL]);
  const running = workloads.some(w => w.replicas > 0);
  // A marked workload that runs again (a helm upgrade set its replicas)
  // is running: the mark is stale.
  const stopped =
    marked.length > 0 && marked.every(w => w.replicas === 0) && !running
      ? {
          atMs:
            timeOf(marked[0].annotations[IDLE_STOPPED_AT_ANNOTATION]) ?? nowMs,
          afterMs:
            Number(marked[0].annotations[IDLE_STOPPED_AFTER_ANNOTATION]) ||
            undefined,
        }
      : undefined;
  const lastAccessMs = Math.max(
    unflushedAccessMs ?? 0,
    ...workloads.map(w => timeOf(w.annotations[LAST_ACCESS_ANNOTATION]) ?? 0),
    ...workloads.map(w => w.createdMs),
  );
  const stopsAtMs =
    afterMs !== undefined && running && !suspended && !stopped
      ? lastAccessMs + afterMs
      : undefined;
  return {
    keepRunning,
    suspended,
    ...(stopped ? { stopped } : {}),
    afterMs,
    lastAccessMs,
    stopsAtMs,
    due: stopsAtMs !== undefined && nowMs >= stopsAtMs,
  };
}

/** The Services page's view of the state. */
export function toKnotServiceIdle(state: ReleaseIdleState): KnotServiceIdle {
  return {
    keepRunning: state.keepRunning,
    ...(state.afterMs !== undefined ? { afterMs: state.afterMs } : {}),
    ...(state.stopsAtMs !== undefined
      ? { stopsAt: new Date(state.stopsAtMs).toISOString() }
      : {}),
    ...(state.stopped
      ? {
          stoppedAt: new Date(state.stopped.atMs).toISOString(),
          ...(state.stopped.afterMs !== undefined
            ? { stoppedAfterMs: state.stopped.afterMs }
            : {}),
        }
      : {}),
  };
}

import {
  idleDurationWords,
  type KnotService,
  type KnotServiceIdle,
  type ServiceState,
} from '@knot-platform/plugin-knot-common';
import type { HelmRelease } from './Helm';
import type { ServiceHealth } from './serviceHealth';

/** The label helm charts put on their objects (and Knot's bundled ones do). */
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';

/** helm prints `2026-11-23 01:58:54.349131 +0000 UTC`. */
export function parseHelmTime(value: string): string {
  const m = value.match(
    /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)? ([+-]\d{2})(\d{2})/,
  );
  if (!m) return value;
  const millis = m[3] ? m[3].slice(0, 4).padEnd(4, '0') : '';
  return new Date(`${m[1]}T${m[2]}${millis}${m[4]}:${m[5]}`).toISOString();
}

/** `hello-kubernetes-1.0.0` → name and version. */
export function splitChart(chart: string): { name: string; version: string } {
  const m = chart.match(/^(.+?)-(v?\d+\.\d+\.\d+.*)$/);
  return m ? { name: m[1], version: m[2] } : { name: chart, version: '' };
}

export interface WorkloadCounts {
  desired: number;
  ready: number;
}

export function serviceState(
  helmStatus: string,
  workloads: WorkloadCounts | undefined,
  health?: ServiceHealth,
): ServiceState {
  if (helmStatus === 'failed') return 'Failed';
  if (helmStatus.startsWith('pending')) return 'Starting';
  if (helmStatus !== 'deployed') return 'Unknown';
  if (workloads && workloads.desired === 0 && workloads.ready === 0) {
    return 'Stopped';
  }
  if (!workloads || workloads.ready >= workloads.desired) return 'Running';
  return health?.state ?? 'Starting';
}

/** Why a service is not running, when it is not. */
function stateReason(
  state: ServiceState,
  helmStatus: string,
  health: ServiceHealth | undefined,
  idle: KnotServiceIdle | undefined,
): string | undefined {
  if (state === 'Failed' && helmStatus === 'failed') {
    return 'helm could not deploy it (see its events)';
  }
  if (state === 'Stopped' && idle?.stoppedAt) {
    return idle.stoppedAfterMs
      ? `Stopped after ${idleDurationWords(idle.stoppedAfterMs)} idle`
      : 'Stopped: idle';
  }
  if (state === 'Stopped') return 'scaled to zero replicas';
  if (state === 'Running') return undefined;
  return health?.reason;
}

export function toKnotService(
  release: HelmRelease,
  profile: string,
  workloads: WorkloadCounts | undefined,
  url: string,
  entityRef: string,
  health?: ServiceHealth,
  idle?: KnotServiceIdle,
): KnotService {
  const chart = splitChart(release.chart);
  const state = serviceState(release.status, workloads, health);
  const reason = stateReason(state, release.status, health, idle);
  return {
    name: release.name,
    namespace: release.namespace,
    profile,
    chart: chart.name,
    chartVersion: chart.version,
    appVersion: release.app_version,
    revision: Number(release.revision),
    helmStatus: release.status,
    state,
    ...(reason ? { reason } : {}),
    ready: workloads ? `${workloads.ready}/${workloads.desired}` : '0/0',
    updated: parseHelmTime(release.updated),
    url,
    entityRef,
    ...(idle ? { idle } : {}),
  };
}

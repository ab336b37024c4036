import {
  notAudited,
  recordOutcome,
  type AuditRecorder,
} from '../audit/AuditRecorder';
import type { AuditRecord } from '../audit/AuditLog';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type {
  KnotServiceIdle,
  ServiceHostClaims,
} from '@knot-platform/plugin-knot-common';
import type { KubeObjects, LiveObject } from '../provisioning/KubeObjects';
import { errorMessage } from '../provisioning/KubeObjects';
import { INSTANCE_LABEL, splitChart } from '../releases/releaseStatus';
import type { ActivityTracker } from './ActivityTracker';
import type { IdleStopConfig } from './config';
import {
  HELM_CHART_LABEL,
  IDLE_REPLICAS_ANNOTATION,
  IDLE_STOPPED_AFTER_ANNOTATION,
  IDLE_STOPPED_AT_ANNOTATION,
  IDLE_STOPPED_LABEL,
  KEEP_RUNNING_ANNOTATION,
  LAST_ACCESS_ANNOTATION,
} from './idleLabels';
import {
  effectiveIdleAfter,
  keepsRunning,
  releaseIdleState,
  toKnotServiceIdle,
  type IdleWorkload,
  type ReleaseIdleState,
} from './releaseIdleState';

const WORKLOADS = [
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'StatefulSet'],
] as const;

/** A stopped service as forward-auth shows it to those who may open it. */
export interface StoppedService {
  release: string;
  afterMs?: number;
}

export interface IdleStopperOptions {
  kube: Pick<KubeObjects, 'list' | 'mergePatch'>;
  /** Which release serves a host (the cached Ingress snapshot). */
  claims: () => Promise<Pick<ServiceHostClaims, 'releaseAt'>>;
  /** The profile namespaces of this instance. */
  namespaces: () => Promise<string[]>;
  namespacePrefix: string;
  config: IdleStopConfig;
  tracker: ActivityTracker;
  /** The chart a release runs, for its `knot/idle-after` annotation. */
  chartAnnotations?: (
    chart: string,
    version: string,
    profile: string,
  ) => Promise<Record<string, string> | undefined>;
  logger: LoggerService;
  /** Records each stop (`service.idleStop`, by `system`). */
  audit?: AuditRecorder;
  now?: () => number;
  /** How long forward-auth's list of stopped services is reused. */
  stoppedCacheMs?: number;
}

function toIdleWorkload(
  o: LiveObject,
  apiVersion: string,
  kind: string,
): IdleWorkload {
  const m = o.metadata ?? {};
  return {
    apiVersion,
    kind,
    namespace: m.namespace ?? '',
    name: m.name ?? '',
    replicas: (o.spec as { replicas?: number } | undefined)?.replicas ?? 1,
    labels: m.labels ?? {},
    annotations: m.annotations ?? {},
    createdMs: m.creationTimestamp
      ? new Date(m.creationTimestamp as unknown as string).getTime()
      : 0,
    resourceVersion: m.resourceVersion,
  };
}

/**
 * Idle stop: writes forward-auth's accesses onto the releases' workloads,
 * scales releases nobody opened for their idle time to zero (their
 * replicas kept in an annotation; nothing is deleted), starts them again,
 * and keeps them running on their owner's word. Everything it knows lives
 * on the workloads, so it survives restarts and is shared by replicas.
 */
export class IdleStopper {
  private readonly now: () => number;
  private stoppedSnapshot?: { at: number; list: Promise<IdleWorkload[]> };

  constructor(private readonly options: IdleStopperOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The release's workloads (one namespace, one release or all of them). */
  async workloads(namespace?: string, release?: string, selector?: string) {
    const labelSelector =
      selector ?? (release ? `${INSTANCE_LABEL}=${release}` : INSTANCE_LABEL);
    const lists = await Promise.all(
      WORKLOADS.map(async ([apiVersion, kind]) =>
        (
          await this.options.kube.list(
            apiVersion,
            kind,
            labelSelector,
            namespace,
          )
        ).map(o => toIdleWorkload(o, apiVersion, kind)),
      ),
    );
    return lists.flat();
  }

  private byRelease(workloads: IdleWorkload[]) {
    const releases = new Map<string, IdleWorkload[]>();
    for (const w of workloads) {
      const key = `${w.namespace}/${w.labels[INSTANCE_LABEL]}`;
      releases.set(key, [...(releases.get(key) ?? []), w]);
    }
    return releases;
  }

  private async idleAfter(namespace: string, workloads: IdleWorkload[]) {
    const keepRunning = keepsRunning(workloads);
    const chartLabel = workloads.find(w => w.labels[HELM_CHART_LABEL])?.labels[
      HELM_CHART_LABEL
    ];
    let chartAnnotations: Record<string, string> | undefined;
    if (!keepRunning && chartLabel && this.options.chartAnnotations) {
      const { name, version } = splitChart(chartLabel);
      const profile = namespace.slice(this.options.namespacePrefix.length);
      chartAnnotations = await this.options
        .chartAnnotations(name, version, profile)
        .catch(() => undefined);
    }
    return effectiveIdleAfter({
      keepRunning,
      chartAnnotations,
      defaultAfterMs: this.options.config.defaultAfterMs,
      onChartError: message =>
        this.options.logger.warn(`idle stop: chart ${chartLabel}: ${message}`),
    });
  }

  private async stateOf(namespace: string, workloads: IdleWorkload[]) {
    return releaseIdleState(
      workloads,
      await this.idleAfter(namespace, workloads),
      this.now(),
    );
  }

  /** The idle view of every release of a namespace, for the Services page. */
  async idleOf(namespace: string): Promise<Map<string, KnotServiceIdle>> {
    const views = new Map<string, KnotServiceIdle>();
    for (const workloads of this.byRelease(
      await this.workloads(namespace),
    ).values()) {
      views.set(
        workloads[0].labels[INSTANCE_LABEL],
        toKnotServiceIdle(await this.stateOf(namespace, workloads)),
      );
    }
    return views;
  }

  /**
   * Writes the accesses forward-auth saw onto the workloads of their
   * releases (`knot/last-access`), never moving a time back: each replica
   * flushes its own and the latest time wins. A write that loses a race
   * (another replica changed the workload: its resourceVersion moved) is
   * kept for the next flush.
   */
  async flush(): Promise<void> {
    const accesses = this.options.tracker.drain();
    if (accesses.length === 0) return;
    let claims: Pick<ServiceHostClaims, 'releaseAt'>;
    try {
      claims = await this.options.claims();
    } catch (error) {
      this.options.tracker.restore(accesses);
      throw error;
    }
    const latest = new Map<string, number>();
    for (const { owner, host, atMs } of accesses) {
      const release = claims.releaseAt(host);
      if (!release) continue;
      const key = `${this.options.namespacePrefix}${owner}/${release}`;
      latest.set(key, Math.max(atMs, latest.get(key) ?? 0));
    }
    const failed = new Set<string>();
    for (const [key, atMs] of latest) {
      const [namespace, release] = key.split('/');
      try {
        for (const w of await this.workloads(namespace, release)) {
          const known = Date.parse(w.annotations[LAST_ACCESS_ANNOTATION] ?? '');
          if (Number.isFinite(known) && known >= atMs) continue;
          await this.options.kube.mergePatch(w, {
            metadata: {
              resourceVersion: w.resourceVersion,
              annotations: {
                [LAST_ACCESS_ANNOTATION]: new Date(atMs).toISOString(),
              },
            },
          });
        }
      } catch (error) {
        failed.add(key);
        this.options.logger.warn(
          `idle stop: cannot record the last access of ${key}: ${errorMessage(
            error,
          )}`,
        );
      }
    }
    if (failed.size > 0) {
      this.options.tracker.restore(
        accesses.filter(a => {
          const release = claims.releaseAt(a.host);
          return failed.has(
            `${this.options.namespacePrefix}${a.owner}/${release}`,
          );
        }),
      );
    }
  }

  /**
   * One round: flush this replica's accesses, then scale every release of
   * the profile namespaces that is due to zero. Returns the releases
   * stopped (`namespace/release`).
   */
  async runOnce(): Promise<string[]> {
    await this.flush();
    const namespaces = new Set(await this.options.namespaces());
    const stopped: string[] = [];
    const all = (await this.workloads()).filter(w =>
      namespaces.has(w.namespace),
    );
    for (const [key, workloads] of this.byRelease(all)) {
      const namespace = workloads[0].namespace;
      const state = await this.stateOf(namespace, workloads);
      if (!state.due) continue;
      const profile = namespace.slice(this.options.namespacePrefix.length);
      const entry: AuditRecord = {
        action: 'service.idleStop',
        actor: 'system',
        actingProfile: profile,
        target: `service ${profile}/${workloads[0].labels[INSTANCE_LABEL]}`,
        targetProfile: profile,
        details: { idleMs: this.now() - state.lastAccessMs },
      };
      try {
        await recordOutcome(this.options.audit ?? notAudited, entry, () =>
          this.stop(workloads, state),
        );
        stopped.push(key);
        this.options.logger.info(
          `idle stop: stopped ${key} after ${Math.round(
            (this.now() - state.lastAccessMs) / 1000,
          )} s idle`,
        );
      } catch (error) {
        this.options.logger.warn(
          `idle stop: cannot stop ${key}: ${errorMessage(error)}`,
        );
      }
    }
    if (stopped.length > 0) this.stoppedSnapshot = undefined;
    return stopped;
  }

  /** Scales a release's workloads to zero, keeping what Start needs. */
  private async stop(workloads: IdleWorkload[], state: ReleaseIdleState) {
    const at = new Date(this.now()).toISOString();
    for (const w of workloads) {
      if (w.replicas === 0) continue;
      await this.options.kube.mergePatch(w, {
        metadata: {
          labels: { [IDLE_STOPPED_LABEL]: 'true' },
          annotations: {
            [IDLE_STOPPED_AT_ANNOTATION]: at,
            [IDLE_STOPPED_AFTER_ANNOTATION]: String(
              this.now() - state.lastAccessMs,
            ),
            [IDLE_REPLICAS_ANNOTATION]: String(w.replicas),
          },
        },
        spec: { replicas: 0 },
      });
    }
  }

  private async releaseWorkloads(namespace: string, release: string) {
    const workloads = await this.workloads(namespace, release);
    if (workloads.length === 0) {
      throw new NotFoundError(`No service '${release}' in ${namespace}`);
    }
    return workloads;
  }

  /**
   * Start: gives an idle-stopped release its replicas back and counts it
   * as opened now (the full idle time again). Workloads idle stop did not
   * scale down are left as they are; a release deactivation suspended
   * stays suspended.
   */
  async start(namespace: string, release: string): Promise<number> {
    const workloads = await this.releaseWorkloads(namespace, release);
    if (workloads.some(w => w.labels['knot/suspended'])) {
      throw new ConflictError(
        `'${release}' is suspended because its profile is deactivated; it starts again when the profile is reactivated`,
      );
    }
    const now = new Date(this.now()).toISOString();
    let started = 0;
    for (const w of workloads) {
      if (!w.labels[IDLE_STOPPED_LABEL]) continue;
      const replicas = Number(w.annotations[IDLE_REPLICAS_ANNOTATION] ?? '1');
      await this.options.kube.mergePatch(w, {
        metadata: {
          labels: { [IDLE_STOPPED_LABEL]: null },
          annotations: {
            [IDLE_STOPPED_AT_ANNOTATION]: null,
            [IDLE_STOPPED_AFTER_ANNOTATION]: null,
            [IDLE_REPLICAS_ANNOTATION]: null,
            [LAST_ACCESS_ANNOTATION]: now,
          },
        },
        ...(w.replicas === 0
          ? { spec: { replicas: Number.isInteger(replicas) ? replicas : 1 } }
          : {}),
      });
      started += 1;
    }
    this.stoppedSnapshot = undefined;
    return started;
  }

  /** The owner's "Keep running" (true) or its undoing (false). */
  async setKeepRunning(
    namespace: string,
    release: string,
    keepRunning: boolean,
  ): Promise<void> {
    const now = new Date(this.now()).toISOString();
    for (const w of await this.releaseWorkloads(namespace, release)) {
      await this.options.kube.mergePatch(w, {
        metadata: {
          annotations: {
            [KEEP_RUNNING_ANNOTATION]: keepRunning ? 'true' : null,
            // Undoing it starts the idle time afresh, not in the past.
            ...(keepRunning ? {} : { [LAST_ACCESS_ANNOTATION]: now }),
          },
        },
      });
    }
  }

  /**
   * Whether the service at `host` of `owner` is idle-stopped: from a list
   * of the stopped workloads of all namespaces, read at most every few
   * seconds (forward-auth asks on every request it lets through).
   */
  async stoppedAt(
    owner: string,
    host: string,
  ): Promise<StoppedService | undefined> {
    const maxAge = this.options.stoppedCacheMs ?? 5_000;
    if (
      !this.stoppedSnapshot ||
      this.now() - this.stoppedSnapshot.at >= maxAge
    ) {
      const snapshot = {
        at: this.now(),
        list: this.workloads(undefined, undefined, IDLE_STOPPED_LABEL),
      };
      this.stoppedSnapshot = snapshot;
      snapshot.list.catch(() => {
        if (this.stoppedSnapshot === snapshot) this.stoppedSnapshot = undefined;
      });
    }
    const stopped = await this.stoppedSnapshot.list;
    if (stopped.length === 0) return undefined;
    const release = (await this.options.claims()).releaseAt(host);
    if (!release) return undefined;
    const namespace = `${this.options.namespacePrefix}${owner}`;
    const mine = stopped.filter(
      w => w.namespace === namespace && w.labels[INSTANCE_LABEL] === release,
    );
    if (mine.length === 0 || mine.some(w => w.replicas > 0)) return undefined;
    const afterMs = Number(mine[0].annotations[IDLE_STOPPED_AFTER_ANNOTATION]);
    return { release, ...(afterMs > 0 ? { afterMs } : {}) };
  }
}

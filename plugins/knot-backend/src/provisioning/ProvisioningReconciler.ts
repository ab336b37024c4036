import fs from 'node:fs/promises';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  MANAGED_BY_KNOT,
  MANAGED_BY_LABEL,
  OWNER_LABEL,
  PRIVATE_VOLUME_CLAIM,
  SHARED_VOLUME_CLAIM,
  SUSPENDED_LABEL,
  SUSPENDED_REPLICAS_ANNOTATION,
  USERNAME_PATTERN,
  profileNamespace,
  type ProfileProvisioningStatus,
  type ProvisioningAction,
  type ReconcileReport,
} from '@knot-platform/plugin-knot-common';
import { findDrift } from './drift';
import { KubeObjects, errorMessage, type LiveObject } from './KubeObjects';
import {
  KNOT_QUOTA,
  KNOT_SERVICE_ACCOUNT,
  knotLabels,
  privateFolder,
  profileManifests,
  type KnotObject,
} from './manifests';
import type { ProfileSource, ProvisioningTarget } from './ProfileSource';
import type { ProvisioningConfig } from './config';
import {
  DEFAULT_SERVICE_ACCOUNT,
  REGISTRY_PULL_SECRET,
  listsPullSecret,
  pullSecretCredentials,
  registryPullSecretObjects,
} from './registryPullSecret';
import {
  HARBOR_ROBOT_ID_ANNOTATION,
  HarborProfileAccess,
  type HarborPullCredential,
} from '../harbor/HarborProfileAccess';
import type {
  SharedDatasets,
  SharedDatasetsObserved,
} from '../datasets/SharedDatasets';
import {
  ensureDataFolder,
  PRIVATE_FOLDER_MODE_WITHOUT_GROUP,
} from '../files/dataGroup';

/** The kinds Knot creates, listed by label to see what exists. */
const KINDS: ReadonlyArray<[apiVersion: string, kind: string]> = [
  ['v1', 'Namespace'],
  ['v1', 'PersistentVolume'],
  ['v1', 'ServiceAccount'],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
  ['v1', 'PersistentVolumeClaim'],
  ['v1', 'ResourceQuota'],
  ['v1', 'LimitRange'],
];

/**
 * Kinds Knot creates only with Argo Workflows enabled (argoWorkflows.ts):
 * listed only then, so that a portal without Argo needs no right to them.
 */
const ARGO_KINDS: ReadonlyArray<[apiVersion: string, kind: string]> = [
  ['rbac.authorization.k8s.io/v1', 'Role'],
];

/**
 * Kinds Knot creates (with Argo Workflows enabled) but lists only inside
 * each profile's namespace: listing Secrets cluster-wide would take the
 * right to read every namespace's.
 */
const NAMESPACE_KINDS: ReadonlyArray<[apiVersion: string, kind: string]> = [
  ['v1', 'Secret'],
];

/** Whether a RoleBinding wants another role than the live one has. */
function roleRefChanged(desired: KnotObject, existing: LiveObject): boolean {
  if (desired.kind !== 'RoleBinding') return false;
  const want = desired.roleRef as { kind?: string; name?: string } | undefined;
  const have = (existing as { roleRef?: { kind?: string; name?: string } })
    .roleRef;
  return want?.kind !== have?.kind || want?.name !== have?.name;
}

function key(kind: string, name: string, namespace?: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

function displayName(object: {
  metadata?: { name?: string; namespace?: string };
}) {
  const { name, namespace } = object.metadata ?? {};
  return namespace ? `${namespace}/${name}` : `${name}`;
}

/** Runs `fn` over `items` with at most `limit` at a time. */
async function forEachLimit<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from(
    { length: Math.max(1, Math.min(limit, items.length)) },
    async () => {
      while (next < items.length) {
        await fn(items[next++]);
      }
    },
  );
  await Promise.all(workers);
}

/** The workloads a deactivation scales to zero and reactivation back. */
const WORKLOADS: ReadonlyArray<[apiVersion: string, kind: string]> = [
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'StatefulSet'],
];

/** First wait before reconciling a profile whose namespace is terminating. */
const TERMINATING_RETRY_MS = 2_000;
/** Longest wait between those retries. */
const TERMINATING_RETRY_MAX_MS = 60_000;

/**
 * A resource the live quota limits that Knot no longer wants (an admin
 * cleared an override): drift, though findDrift sees only wanted fields.
 * Applying without it removes it (the field was Knot's).
 */
function removedQuotaResource(
  desired: KnotObject,
  existing: LiveObject,
): string | undefined {
  if (desired.kind !== 'ResourceQuota') return undefined;
  const wanted = (desired.spec as { hard?: Record<string, string> }).hard;
  const extra = Object.keys(existing.spec?.hard ?? {}).find(
    resource => !(resource in (wanted ?? {})),
  );
  return extra && `.spec.hard.${extra}`;
}

/** What exists in the cluster, keyed by kind/namespace/name. */
type Observed = Map<string, LiveObject>;

/**
 * Makes the cluster match the profile source: for every profile its
 * namespace, ServiceAccount + RoleBinding, quota, private/shared PV + PVC and
 * private folder; removes the objects of profiles that no longer exist.
 *
 * Idempotent and stateless (any replica may run it): it lists what Knot
 * manages by label, applies (server-side, field manager `knot`) only what is
 * missing or drifted, and reports each change. A reconcile with nothing to do
 * makes no write request.
 */
export class ProvisioningReconciler {
  private readonly kube: KubeObjects;
  /** Harbor's side of each profile, when its API is configured. */
  private readonly harbor?: HarborProfileAccess;
  /** Profiles waiting for their namespace to finish terminating: the wait. */
  private readonly retries = new Map<string, number>();

  constructor(
    private readonly options: {
      kube: KubeObjects;
      source: ProfileSource;
      config: ProvisioningConfig;
      logger: LoggerService;
      /** First wait before retrying a terminating namespace (tests). */
      terminatingRetryMs?: number;
      /** The admin's shared datasets, kept in every profile namespace. */
      sharedDatasets?: Pick<SharedDatasets, 'observe' | 'reconcile'>;
      /** Harbor's side (tests); made from `config.harbor` when not given. */
      harbor?: HarborProfileAccess;
    },
  ) {
    this.kube = options.kube;
    this.harbor =
      options.harbor ??
      (options.config.harbor && new HarborProfileAccess(options.config.harbor));
  }

  /** Reconciles every profile and removes leftovers of deleted ones. */
  async reconcileAll(): Promise<ReconcileReport> {
    return this.run(async actions => {
      const targets = await this.options.source.listProfiles();
      const [observed, suspended, sharedDatasets] = await Promise.all([
        this.observe(`${MANAGED_BY_LABEL}=${MANAGED_BY_KNOT}`),
        this.listSuspended(),
        this.observeSharedDatasets(),
      ]);
      await this.ensureSharedDir();
      await forEachLimit(targets, this.options.config.concurrency, t =>
        this.reconcileTarget(t, observed, suspended, actions, sharedDatasets),
      );
      const wanted = new Set(targets.map(t => t.name));
      const orphans = new Set<string>();
      for (const object of this.options.config.removeOrphans
        ? observed.values()
        : []) {
        const owner = object.metadata?.labels?.[OWNER_LABEL];
        if (owner && !wanted.has(owner) && this.ownsObject(owner, object)) {
          orphans.add(owner);
        }
      }
      await forEachLimit([...orphans], this.options.config.concurrency, name =>
        this.removeProfile(name, observed, actions),
      );
      return targets.length + orphans.size;
    });
  }

  /** Reconciles one profile: after a change to that user or team. */
  async reconcileProfile(name: string): Promise<ReconcileReport> {
    return this.run(async actions => {
      const target = (await this.options.source.listProfiles()).find(
        t => t.name === name,
      );
      const observed = await this.observe(
        `${MANAGED_BY_LABEL}=${MANAGED_BY_KNOT},${OWNER_LABEL}=${name}`,
      );
      if (target) {
        await this.ensureSharedDir();
        const suspended = await this.listSuspended(
          profileNamespace(name, this.options.config.namespacePrefix),
        );
        await this.reconcileTarget(target, observed, suspended, actions);
      } else {
        await this.removeProfile(name, observed, actions);
      }
      return 1;
    });
  }

  /** Namespace, volume binding and quota of every profile, for admins. */
  async status(): Promise<ProfileProvisioningStatus[]> {
    const targets = await this.options.source.listProfiles();
    const observed = await this.observe(
      `${MANAGED_BY_LABEL}=${MANAGED_BY_KNOT}`,
    );
    return targets.map(t => {
      const ns = profileNamespace(t.name, this.options.config.namespacePrefix);
      const namespace = observed.get(key('Namespace', ns));
      const claim = (name: string) =>
        observed.get(key('PersistentVolumeClaim', name, ns))?.status?.phase ??
        'Missing';
      const quota = observed.get(key('ResourceQuota', KNOT_QUOTA, ns));
      return {
        name: t.name,
        isTeam: t.isTeam,
        active: t.active,
        namespace: ns,
        namespacePhase: namespace
          ? namespace.status?.phase ?? 'Active'
          : 'Missing',
        privateVolume: claim(PRIVATE_VOLUME_CLAIM),
        sharedVolume: claim(SHARED_VOLUME_CLAIM),
        quota: quota && {
          hard: quota.status?.hard ?? quota.spec?.hard ?? {},
          used: quota.status?.used ?? {},
        },
      };
    });
  }

  private async run(
    body: (actions: ProvisioningAction[]) => Promise<number>,
  ): Promise<ReconcileReport> {
    const started = Date.now();
    const actions: ProvisioningAction[] = [];
    const profiles = await body(actions);
    for (const a of actions) {
      this.options.logger.info(
        `provisioning: ${a.action} ${a.kind} ${a.name}${
          a.detail ? ` (${a.detail})` : ''
        }`,
      );
    }
    return {
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      profiles,
      actions,
    };
  }

  private async observe(labelSelector: string): Promise<Observed> {
    const observed: Observed = new Map();
    await Promise.all(
      [
        ...KINDS,
        // With a ClusterRole (chart) there is no Role to observe.
        ...(this.options.config.argoWorkflows &&
        !this.options.config.argoWorkflowsClusterRole
          ? ARGO_KINDS
          : []),
      ].map(async ([apiVersion, kind]) => {
        for (const item of await this.kube.list(
          apiVersion,
          kind,
          labelSelector,
        )) {
          observed.set(
            key(kind, item.metadata!.name!, item.metadata?.namespace),
            item,
          );
        }
      }),
    );
    return observed;
  }

  /** Adds the profile's objects of NAMESPACE_KINDS to what was observed. */
  private async observeNamespace(
    namespace: string,
    profile: string,
    observed: Observed,
  ): Promise<void> {
    const selector = `${MANAGED_BY_LABEL}=${MANAGED_BY_KNOT},${OWNER_LABEL}=${profile}`;
    for (const [apiVersion, kind] of NAMESPACE_KINDS) {
      for (const item of await this.kube.list(
        apiVersion,
        kind,
        selector,
        namespace,
      )) {
        observed.set(key(kind, item.metadata!.name!, namespace), item);
      }
    }
  }

  /** Whether a Knot object belongs to a profile of this instance's prefix. */
  private ownsObject(owner: string, object: LiveObject): boolean {
    const ns = profileNamespace(owner, this.options.config.namespacePrefix);
    if (object.kind === 'PersistentVolume' || !object.metadata?.namespace) {
      const claimNs = object.spec?.claimRef?.namespace;
      return object.metadata?.name === ns || claimNs === ns;
    }
    return object.metadata.namespace === ns;
  }

  /**
   * Every namespace's shared Datasets in one list. Undefined when that
   * fails: each namespace then asks for its own and reports its failure.
   */
  private async observeSharedDatasets(): Promise<
    SharedDatasetsObserved | undefined
  > {
    return this.options.sharedDatasets?.observe().catch(() => undefined);
  }

  private async ensureSharedDir() {
    await ensureDataFolder(
      this.options.config.sharedDir,
      this.options.config.groupId,
    );
  }

  /** Workloads Knot suspended, by namespace (one namespace or all). */
  private async listSuspended(
    namespace?: string,
  ): Promise<Map<string, LiveObject[]>> {
    const byNamespace = new Map<string, LiveObject[]>();
    for (const [apiVersion, kind] of WORKLOADS) {
      for (const item of await this.kube.list(
        apiVersion,
        kind,
        SUSPENDED_LABEL,
        namespace,
      )) {
        const ns = item.metadata!.namespace!;
        byNamespace.set(ns, [
          ...(byNamespace.get(ns) ?? []),
          { ...item, apiVersion, kind },
        ]);
      }
    }
    return byNamespace;
  }

  private async reconcileTarget(
    target: ProvisioningTarget,
    observed: Observed,
    suspended: Map<string, LiveObject[]>,
    actions: ProvisioningAction[],
    sharedDatasets?: SharedDatasetsObserved,
  ): Promise<void> {
    const profile = target.name;
    const fail = (kind: string, name: string, error: unknown) =>
      actions.push({
        profile,
        kind,
        name,
        action: 'failed',
        detail: errorMessage(error),
      });
    // Names become namespace names and folder paths: never trust the source.
    if (!USERNAME_PATTERN.test(profile)) {
      fail(
        'Profile',
        profile,
        new Error(`invalid name, must match ${USERNAME_PATTERN}`),
      );
      return;
    }
    try {
      const manifests = profileManifests(target, this.options.config);
      await this.ensureFolder(profile, actions);
      const ns = await this.ensure(
        profile,
        manifests.namespace,
        observed,
        actions,
      );
      if (!ns) return;
      // A namespace deleted before (the profile was deleted and made again)
      // takes no new objects until it is gone: try again then, by itself.
      if (ns.metadata?.deletionTimestamp) {
        const wait = this.retryWhenTerminated(profile);
        actions.push({
          profile,
          kind: 'Namespace',
          name: ns.metadata.name!,
          action: 'waiting',
          detail: `still terminating, provisioning again in ${Math.round(
            wait / 1000,
          )} s`,
        });
        return;
      }
      this.retries.delete(profile);
      const nsName = ns.metadata!.name!;
      // Knot's pull secret went from the config: the accounts still listing
      // it say there is one to remove (registryPullSecret.ts).
      const stalePullSecret =
        !this.options.config.registryPullSecret &&
        !this.harbor &&
        [KNOT_SERVICE_ACCOUNT, DEFAULT_SERVICE_ACCOUNT].some(name =>
          listsPullSecret(observed.get(key('ServiceAccount', name, nsName))),
        );
      // A namespace made just now has none of them (and an in-cluster
      // portal may list its Secrets only once its RoleBinding exists).
      if (
        observed.has(key('Namespace', nsName)) &&
        (this.options.config.argoWorkflows ||
          this.options.config.registryPullSecret ||
          this.harbor ||
          stalePullSecret)
      ) {
        await this.observeNamespace(nsName, profile, observed);
      }
      if (stalePullSecret) {
        manifests.absent.push({
          apiVersion: 'v1',
          kind: 'Secret',
          name: REGISTRY_PULL_SECRET,
          namespace: nsName,
        });
        if (
          listsPullSecret(
            observed.get(
              key('ServiceAccount', DEFAULT_SERVICE_ACCOUNT, nsName),
            ),
          )
        ) {
          // Applied with none of Knot's fields: the server drops Knot's
          // labels and imagePullSecrets from the account.
          manifests.objects.push({
            apiVersion: 'v1',
            kind: 'ServiceAccount',
            metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace: nsName },
          });
        }
      }
      if (this.harbor) {
        const secret = await this.harborPullSecret(
          target,
          nsName,
          observed,
          actions,
        );
        if (secret) {
          manifests.afterObjects = [...(manifests.afterObjects ?? []), secret];
        }
      }
      const applied = new Map<string, LiveObject>();
      await Promise.all([
        ...[...manifests.objects, ...manifests.claims].map(async o => {
          const live = await this.ensure(profile, o, observed, actions);
          if (live)
            applied.set(
              key(o.kind, o.metadata.name, o.metadata.namespace),
              live,
            );
        }),
        ...manifests.absent.map(async a => {
          if (!observed.has(key(a.kind, a.name, a.namespace))) return;
          try {
            if (
              await this.kube.delete(a.apiVersion, a.kind, a.name, a.namespace)
            ) {
              actions.push({
                profile,
                kind: a.kind,
                name: `${a.namespace}/${a.name}`,
                action: 'deleted',
                detail: 'not wanted for this profile',
              });
            }
          } catch (error) {
            fail(a.kind, `${a.namespace}/${a.name}`, error);
          }
        }),
      ]);
      // Objects that need the ones above to exist (a token Secret its
      // ServiceAccount: the token controller deletes one without it).
      for (const o of manifests.afterObjects ?? []) {
        await this.ensure(profile, o, observed, actions);
      }
      // A PV whose claim was deleted keeps the old claim's uid and stays
      // Released: forget the uid so the PV controller binds the new claim.
      for (const claim of manifests.claims) {
        const pvc = applied.get(
          key(
            'PersistentVolumeClaim',
            claim.metadata.name,
            claim.metadata.namespace,
          ),
        );
        const pvName = (claim.spec as { volumeName: string }).volumeName;
        const pv = applied.get(key('PersistentVolume', pvName));
        const uid = pv?.spec?.claimRef?.uid;
        if (pvc && pv && uid && uid !== pvc.metadata?.uid) {
          try {
            await this.kube.mergePatch(
              { apiVersion: 'v1', kind: 'PersistentVolume', name: pvName },
              {
                spec: { claimRef: { uid: null, resourceVersion: null } },
              },
            );
            actions.push({
              profile,
              kind: 'PersistentVolume',
              name: pvName,
              action: 'updated',
              detail: 'released from a deleted claim, re-bound',
            });
          } catch (error) {
            fail('PersistentVolume', pvName, error);
          }
        }
      }
      if (this.options.sharedDatasets) {
        try {
          actions.push(
            ...(await this.options.sharedDatasets.reconcile(
              profile,
              nsName,
              sharedDatasets,
            )),
          );
        } catch (error) {
          fail('Dataset', nsName, error);
        }
      }
      if (target.active) {
        await this.resumeWorkloads(
          profile,
          suspended.get(nsName) ?? [],
          actions,
        );
      } else {
        await this.suspendWorkloads(profile, nsName, actions);
        await this.stopPods(profile, nsName, actions);
      }
    } catch (error) {
      fail('Profile', profile, error);
    }
  }

  /**
   * The pull secret with the profile's Harbor robot (and the shared
   * registry credentials for another host). Undefined keeps the live one:
   * Harbor failed (reported), or the profile is deactivated.
   */
  private async harborPullSecret(
    target: ProvisioningTarget,
    namespace: string,
    observed: Observed,
    actions: ProvisioningAction[],
  ): Promise<KnotObject | undefined> {
    const { pullHost } = this.options.config.harbor!;
    const live = observed.get(key('Secret', REGISTRY_PULL_SECRET, namespace));
    const held = pullSecretCredentials(live, pullHost);
    const robotId = Number(
      live?.metadata?.annotations?.[HARBOR_ROBOT_ID_ANNOTATION],
    );
    const current: HarborPullCredential | undefined =
      held && Number.isInteger(robotId)
        ? { server: pullHost, ...held, robotId }
        : undefined;
    let credential: HarborPullCredential | undefined;
    try {
      credential = await this.harbor!.reconcile(target, current, actions);
    } catch (error) {
      actions.push({
        profile: target.name,
        kind: 'Harbor',
        name: target.name,
        action: 'failed',
        detail: errorMessage(error),
      });
      return undefined;
    }
    if (!credential) return undefined;
    const { robotId: id, ...robot } = credential;
    const shared = this.options.config.registryPullSecret;
    return registryPullSecretObjects(
      [robot, ...(shared ? [shared] : [])],
      namespace,
      knotLabels(target.name),
      { [HARBOR_ROBOT_ID_ANNOTATION]: String(id) },
    ).secret;
  }

  /**
   * Applies `desired` when it is missing or drifted; returns the live object
   * (undefined when applying failed, recorded as a failed action).
   */
  private async ensure(
    profile: string,
    desired: KnotObject,
    observed: Observed,
    actions: ProvisioningAction[],
  ): Promise<LiveObject | undefined> {
    const existing = observed.get(
      key(desired.kind, desired.metadata.name, desired.metadata.namespace),
    );
    const drift =
      existing &&
      (findDrift(desired, {
        ...existing,
        apiVersion: desired.apiVersion,
        kind: desired.kind,
      }) ??
        // An absent field is no drift to findDrift: Knot's pull secret
        // left on an account when the config dropped it is.
        (desired.kind === 'ServiceAccount' &&
        !desired.imagePullSecrets &&
        listsPullSecret(existing)
          ? '.imagePullSecrets'
          : undefined) ??
        removedQuotaResource(desired, existing));
    if (existing && !drift) return existing;
    try {
      if (existing && roleRefChanged(desired, existing)) {
        // A binding's roleRef cannot be changed in place (e.g. Argo's
        // account moving from its Role to the chart's ClusterRole).
        await this.kube.delete(
          desired.apiVersion,
          desired.kind,
          desired.metadata.name,
          desired.metadata.namespace,
        );
      }
      const live = await this.kube.apply(desired);
      actions.push({
        profile,
        kind: desired.kind,
        name: displayName(desired),
        action: existing ? 'updated' : 'created',
        detail: drift ? `drift at ${drift}` : undefined,
      });
      return live;
    } catch (error) {
      actions.push({
        profile,
        kind: desired.kind,
        name: displayName(desired),
        action: 'failed',
        detail: errorMessage(error),
      });
      return undefined;
    }
  }

  private async ensureFolder(profile: string, actions: ProvisioningAction[]) {
    const folder = privateFolder(this.options.config, profile);
    const { groupId } = this.options.config;
    let existed = false;
    try {
      existed = (await fs.stat(folder)).isDirectory();
      if (existed && groupId === undefined) return;
    } catch {
      // missing: created below
    }
    // Owner-only, or the data group's (containers run with it): other
    // users' names and files stay hidden on the backend.
    await ensureDataFolder(folder, groupId, PRIVATE_FOLDER_MODE_WITHOUT_GROUP);
    if (existed) return;
    actions.push({ profile, kind: 'Folder', name: folder, action: 'created' });
  }

  /**
   * Schedules a reconcile of the profile once its terminating namespace may
   * be gone (waits doubling up to a minute); returns the wait. Only this
   * replica retries; the periodic reconcile covers the others.
   */
  private retryWhenTerminated(profile: string): number {
    const previous = this.retries.get(profile);
    const wait = previous
      ? Math.min(previous * 2, TERMINATING_RETRY_MAX_MS)
      : this.options.terminatingRetryMs ?? TERMINATING_RETRY_MS;
    this.retries.set(profile, wait);
    setTimeout(() => {
      this.reconcileProfile(profile).catch(error =>
        this.options.logger.warn(
          `provisioning: reconciling ${profile} again failed: ${errorMessage(
            error,
          )}`,
        ),
      );
    }, wait).unref();
    return wait;
  }

  /**
   * A deactivated profile's Deployments and StatefulSets are scaled to zero;
   * the replicas they had are kept on them for reactivation.
   */
  private async suspendWorkloads(
    profile: string,
    namespace: string,
    actions: ProvisioningAction[],
  ) {
    for (const [apiVersion, kind] of WORKLOADS) {
      const workloads = await this.kube.list(apiVersion, kind, '', namespace);
      for (const workload of workloads) {
        const replicas = (workload.spec as { replicas?: number } | undefined)
          ?.replicas;
        if (workload.metadata?.labels?.[SUSPENDED_LABEL] && !replicas) {
          continue;
        }
        const name = workload.metadata!.name!;
        try {
          await this.kube.mergePatch(
            { apiVersion, kind, name, namespace },
            {
              metadata: {
                labels: { [SUSPENDED_LABEL]: 'true' },
                annotations: {
                  // Kept from the first suspension if one was interrupted.
                  [SUSPENDED_REPLICAS_ANNOTATION]:
                    workload.metadata?.annotations?.[
                      SUSPENDED_REPLICAS_ANNOTATION
                    ] ?? String(replicas ?? 1),
                },
              },
              spec: { replicas: 0 },
            },
          );
          actions.push({
            profile,
            kind,
            name: `${namespace}/${name}`,
            action: 'updated',
            detail: `scaled from ${replicas ?? 1} to 0: profile deactivated`,
          });
        } catch (error) {
          actions.push({
            profile,
            kind,
            name: `${namespace}/${name}`,
            action: 'failed',
            detail: errorMessage(error),
          });
        }
      }
    }
  }

  /** Gives suspended workloads of a reactivated profile their replicas back. */
  private async resumeWorkloads(
    profile: string,
    suspended: LiveObject[],
    actions: ProvisioningAction[],
  ) {
    for (const workload of suspended) {
      const { apiVersion, kind } = workload as {
        apiVersion: string;
        kind: string;
      };
      const { name, namespace, annotations } = workload.metadata!;
      const replicas = Number(
        annotations?.[SUSPENDED_REPLICAS_ANNOTATION] ?? '1',
      );
      try {
        await this.kube.mergePatch(
          { apiVersion, kind, name: name!, namespace },
          {
            metadata: {
              labels: { [SUSPENDED_LABEL]: null },
              annotations: { [SUSPENDED_REPLICAS_ANNOTATION]: null },
            },
            spec: { replicas: Number.isInteger(replicas) ? replicas : 1 },
          },
        );
        actions.push({
          profile,
          kind,
          name: `${namespace}/${name}`,
          action: 'updated',
          detail: `scaled back to ${replicas}: profile reactivated`,
        });
      } catch (error) {
        actions.push({
          profile,
          kind,
          name: `${namespace}/${name}`,
          action: 'failed',
          detail: errorMessage(error),
        });
      }
    }
  }

  /** A deactivated profile runs nothing: its quota forbids new pods. */
  private async stopPods(
    profile: string,
    namespace: string,
    actions: ProvisioningAction[],
  ) {
    const pods = await this.kube.list('v1', 'Pod', '', namespace);
    await Promise.all(
      // Pods already terminating were handled by an earlier reconcile.
      pods
        .filter(pod => !pod.metadata?.deletionTimestamp)
        .map(async pod => {
          if (
            await this.kube.delete('v1', 'Pod', pod.metadata!.name!, namespace)
          ) {
            actions.push({
              profile,
              kind: 'Pod',
              name: `${namespace}/${pod.metadata!.name}`,
              action: 'deleted',
              detail: 'profile deactivated',
            });
          }
        }),
    );
  }

  /**
   * Removes a deleted profile: its namespace (with everything in it) and its
   * PVs. The data stays on the volume source (Retain); the private folder is
   * deleted only when `knot.storage.deleteFoldersOnRemoval` is true.
   */
  private async removeProfile(
    profile: string,
    observed: Observed,
    actions: ProvisioningAction[],
  ) {
    const ns = profileNamespace(profile, this.options.config.namespacePrefix);
    const doomed: Array<[string, string, string]> = [['v1', 'Namespace', ns]];
    for (const object of observed.values()) {
      if (
        object.metadata?.labels?.[OWNER_LABEL] === profile &&
        !object.metadata.namespace &&
        object.spec?.claimRef?.namespace === ns
      ) {
        doomed.push(['v1', 'PersistentVolume', object.metadata.name!]);
      }
    }
    await Promise.all(
      doomed.map(async ([apiVersion, kind, name]) => {
        const existing = observed.get(key(kind, name));
        if (!existing || existing.metadata?.deletionTimestamp) return;
        try {
          if (await this.kube.delete(apiVersion, kind, name)) {
            actions.push({ profile, kind, name, action: 'deleted' });
          }
        } catch (error) {
          actions.push({
            profile,
            kind,
            name,
            action: 'failed',
            detail: errorMessage(error),
          });
        }
      }),
    );
    if (this.harbor) {
      try {
        await this.harbor.remove(profile, actions);
      } catch (error) {
        actions.push({
          profile,
          kind: 'Harbor',
          name: profile,
          action: 'failed',
          detail: errorMessage(error),
        });
      }
    }
    const folder = privateFolder(this.options.config, profile);
    const exists = await fs
      .stat(folder)
      .then(() => true)
      .catch(() => false);
    if (!exists) return;
    if (this.options.config.deleteFoldersOnRemoval) {
      await fs.rm(folder, { recursive: true, force: true });
      actions.push({
        profile,
        kind: 'Folder',
        name: folder,
        action: 'deleted',
      });
    } else if (observed.has(key('Namespace', ns))) {
      // Reported once, when the profile's objects go.
      actions.push({
        profile,
        kind: 'Folder',
        name: folder,
        action: 'kept',
        detail: 'knot.storage.deleteFoldersOnRemoval is false',
      });
    }
  }
}

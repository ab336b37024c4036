import type { CoreV1Api, V1Node, V1PodSpec } from '@kubernetes/client-node';
import type {
  ActingProfile,
  KnotServiceFit,
} from '@knot-platform/plugin-knot-common';
import type { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import type { Helm, HelmChartOptions } from '../releases/Helm';
import { INSTANCE_LABEL } from '../releases/releaseStatus';
import {
  addUsage,
  containerDefaults,
  podUsage,
  unsetResources,
  type ContainerDefaults,
  type Usage,
} from './podUsage';
import { QuotaExceededError } from './QuotaExceededError';
import { quotaVerdict, type QuotaState } from './quotaVerdict';
import { toMilli } from './quantities';
import { renderedObjects, renderedWorkloads } from './renderedWorkloads';

const FITS: KnotServiceFit = { fits: true, shortfalls: [] };
/** The annotation helm puts on every object of a release. */
const HELM_RELEASE_ANNOTATION = 'meta.helm.sh/release-name';

/**
 * The fit check before a deploy: renders the chart with the final values
 * (`helm template`, as the install would), sums what its workloads ask for
 * once the namespace's LimitRange has filled the gaps, and holds it against
 * what the namespace's ResourceQuotas have left — so a deploy the quota
 * cannot hold is refused in words instead of leaving a pod Pending.
 */
export class QuotaFit {
  constructor(
    private readonly helm: Helm,
    private readonly kubernetes: KubernetesClientFactory,
    private readonly enabled = true,
  ) {}

  /**
   * Whether `chart` fits the profile's quota; `upgrade` when it replaces
   * the release of that name (what the release holds now is given back).
   */
  async check(
    profile: ActingProfile,
    chart: HelmChartOptions,
    upgrade = false,
  ): Promise<KnotServiceFit> {
    if (!this.enabled) return FITS;
    const { namespace } = profile;
    const core = await this.kubernetes.makeClient(lib => lib.CoreV1Api);
    // Scoped quotas (BestEffort, PriorityClass…) count only some pods: not
    // guessed here, the API server still enforces them.
    const quotas = (
      await core.listNamespacedResourceQuota({ namespace })
    ).items.filter(q => !q.spec?.scopes?.length && !q.spec?.scopeSelector);
    // Without a quota everything fits: no need to render the chart.
    if (!quotas.length) return FITS;
    const [manifest, ranges] = await Promise.all([
      this.helm.template({ ...chart, upgrade }),
      core.listNamespacedLimitRange({ namespace }),
    ]);
    const defaults = containerDefaults(ranges.items);
    const objects = renderedObjects(manifest);
    const nodes = objects.some(o => o.kind === 'DaemonSet')
      ? await schedulableNodes(core)
      : [];
    const workloads = renderedWorkloads(objects, spec =>
      daemonSetPods(spec, nodes),
    );
    const needed: Usage = new Map();
    const unset = new Map<string, string>();
    for (const { object, spec, count } of workloads.pods) {
      addUsage(needed, podUsage(spec, defaults, count));
      for (const [resource, container] of unsetResources(spec, defaults)) {
        if (!unset.has(resource)) {
          unset.set(resource, `container ${container} of ${object}`);
        }
      }
    }
    for (const { count, storage } of workloads.claims) {
      addUsage(
        needed,
        new Map([
          ['persistentvolumeclaims', 1000 * count],
          ['requests.storage', storage * count],
        ]),
      );
    }
    const held = upgrade
      ? {
          release: chart.release,
          usage: await releaseUsage(core, namespace, chart.release, defaults),
        }
      : undefined;
    return quotaVerdict({
      profile: profile.name,
      needed,
      unset,
      quotas: quotas.map(
        (q): QuotaState => ({
          // Before the quota controller's first count, the spec alone.
          hard: { ...(q.status?.hard ?? q.spec?.hard ?? {}) },
          used: { ...(q.status?.used ?? {}) },
        }),
      ),
      held,
    });
  }

  /** Throws a {@link QuotaExceededError} (422) when `chart` does not fit. */
  async refuseUnlessFits(
    profile: ActingProfile,
    chart: HelmChartOptions,
    upgrade = false,
  ): Promise<void> {
    const verdict = await this.check(profile, chart, upgrade);
    if (!verdict.fits) throw new QuotaExceededError(verdict.message!);
  }
}

/**
 * What a release holds of the quota now: its pods that still count (not
 * finished) and its volume claims.
 */
async function releaseUsage(
  core: CoreV1Api,
  namespace: string,
  release: string,
  defaults: ContainerDefaults,
): Promise<Usage> {
  const [pods, claims] = await Promise.all([
    core.listNamespacedPod({
      namespace,
      labelSelector: `${INSTANCE_LABEL}=${release}`,
    }),
    core.listNamespacedPersistentVolumeClaim({ namespace }),
  ]);
  const usage: Usage = new Map();
  for (const pod of pods.items) {
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed' || !pod.spec) continue;
    addUsage(usage, podUsage(pod.spec, defaults));
  }
  for (const claim of claims.items) {
    const ours =
      claim.metadata?.labels?.[INSTANCE_LABEL] === release ||
      claim.metadata?.annotations?.[HELM_RELEASE_ANNOTATION] === release;
    if (!ours) continue;
    addUsage(
      usage,
      new Map([
        ['persistentvolumeclaims', 1000],
        [
          'requests.storage',
          toMilli(claim.spec?.resources?.requests?.storage) ?? 0,
        ],
      ]),
    );
  }
  return usage;
}

/** The cluster's nodes pods may land on; none when Knot may not list nodes. */
async function schedulableNodes(core: CoreV1Api): Promise<V1Node[]> {
  try {
    return (await core.listNode()).items.filter(n => !n.spec?.unschedulable);
  } catch {
    return [];
  }
}

/**
 * A DaemonSet's pods: one per node matching its node selector (taints and
 * affinities are not weighed); one when the nodes are not known.
 */
function daemonSetPods(spec: V1PodSpec, nodes: V1Node[]): number {
  if (!nodes.length) return 1;
  const selector = Object.entries(spec.nodeSelector ?? {});
  return nodes.filter(n =>
    selector.every(([k, v]) => n.metadata?.labels?.[k] === v),
  ).length;
}

import type { V1PodSpec } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { toMilli } from './quantities';

/** Pods a rendered object asks for: `count` pods of `spec`. */
export interface PodsOfObject {
  /** `Deployment hello`, for messages. */
  object: string;
  spec: V1PodSpec;
  count: number;
}

/** Volume claims a rendered object asks for (storage in milli-bytes). */
export interface ClaimsOfObject {
  object: string;
  count: number;
  storage: number;
}

export interface RenderedWorkloads {
  pods: PodsOfObject[];
  claims: ClaimsOfObject[];
}

type Obj = Record<string, any>;

/**
 * The objects of a `helm template` output (YAML documents, `List`s
 * flattened).
 */
export function renderedObjects(manifest: string): Obj[] {
  const objects: Obj[] = [];
  const visit = (o: unknown) => {
    if (!o || typeof o !== 'object' || Array.isArray(o)) return;
    const obj = o as Obj;
    if (typeof obj.kind === 'string' && obj.kind.endsWith('List')) {
      (Array.isArray(obj.items) ? obj.items : []).forEach(visit);
    } else objects.push(obj);
  };
  for (const doc of parseAllDocuments(manifest)) {
    if (doc.errors.length) {
      throw new Error(
        `the chart rendered invalid YAML: ${doc.errors[0].message}`,
      );
    }
    visit(doc.toJS());
  }
  return objects;
}

/** How many pods of a Job run at once: its parallelism, at most its completions. */
function jobPods(spec: Obj | undefined): number {
  const parallelism = spec?.parallelism ?? 1;
  const completions = spec?.completions;
  return typeof completions === 'number'
    ? Math.min(parallelism, completions)
    : parallelism;
}

/**
 * The pods and claims of rendered objects, as many as run at once: the
 * replicas of Deployments, ReplicaSets, StatefulSets (and their claim
 * templates), one pod per node of DaemonSets, the parallel pods of Jobs
 * and of one run of a CronJob, bare Pods and PersistentVolumeClaims.
 */
export function renderedWorkloads(
  objects: Obj[],
  daemonSetNodes: (spec: V1PodSpec) => number,
): RenderedWorkloads {
  const pods: PodsOfObject[] = [];
  const claims: ClaimsOfObject[] = [];
  for (const o of objects) {
    const object = `${o.kind} ${o.metadata?.name ?? ''}`.trim();
    const add = (spec: V1PodSpec | undefined, count: number) => {
      if (spec && count > 0) pods.push({ object, spec, count });
    };
    const claim = (c: Obj | undefined, count: number) => {
      const storage = toMilli(c?.spec?.resources?.requests?.storage) ?? 0;
      if (count > 0) claims.push({ object, count, storage });
    };
    const replicas = (o.spec?.replicas as number | undefined) ?? 1;
    switch (o.kind) {
      case 'Pod':
        add(o.spec, 1);
        break;
      case 'Deployment':
      case 'ReplicaSet':
      case 'ReplicationController':
        add(o.spec?.template?.spec, replicas);
        break;
      case 'StatefulSet':
        add(o.spec?.template?.spec, replicas);
        for (const t of o.spec?.volumeClaimTemplates ?? []) claim(t, replicas);
        break;
      case 'DaemonSet': {
        const spec = o.spec?.template?.spec;
        if (spec) add(spec, daemonSetNodes(spec));
        break;
      }
      case 'Job':
        add(o.spec?.template?.spec, jobPods(o.spec));
        break;
      case 'CronJob':
        add(
          o.spec?.jobTemplate?.spec?.template?.spec,
          jobPods(o.spec?.jobTemplate?.spec),
        );
        break;
      case 'PersistentVolumeClaim':
        claim(o, 1);
        break;
      default:
    }
  }
  return { pods, claims };
}

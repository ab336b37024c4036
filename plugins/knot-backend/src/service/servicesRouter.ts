import express from 'express';
import Router from 'express-promise-router';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type {
  KnotServiceList,
  KnotServiceValues,
} from '@internal/plugin-knot-common';
import type { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import type { ProfileResolver } from '../profiles/ProfileResolver';
import type { ChartCatalog } from '../services/ChartCatalog';
import type { Helm } from '../services/Helm';
import { serviceUrl, type ExposureSettings } from '../services/knotValues';
import {
  INSTANCE_LABEL,
  splitChart,
  toKnotService,
  type WorkloadCounts,
} from '../services/releaseStatus';
import { releaseComponentName } from '../services/ServiceInstaller';
import { KNOT_VALUES_KEY } from '../services/valuesSchema';

export interface ServicesRouterOptions {
  profiles: ProfileResolver;
  helm: Helm;
  kubernetes: KubernetesClientFactory;
  exposure: ExposureSettings;
  charts: ChartCatalog;
}

/**
 * Desired replicas of each release's Deployments and StatefulSets, and its
 * ready pods (counted on the pods themselves: a workload's status lags behind
 * its pods when the controller manager is busy).
 */
async function workloadCounts(
  kubernetes: KubernetesClientFactory,
  namespace: string,
): Promise<Map<string, WorkloadCounts>> {
  const apps = await kubernetes.makeClient(lib => lib.AppsV1Api);
  const core = await kubernetes.makeClient(lib => lib.CoreV1Api);
  const labelSelector = INSTANCE_LABEL;
  const [deployments, statefulSets, pods] = await Promise.all([
    apps.listNamespacedDeployment({ namespace, labelSelector }),
    apps.listNamespacedStatefulSet({ namespace, labelSelector }),
    core.listNamespacedPod({ namespace, labelSelector }),
  ]);
  const counts = new Map<string, WorkloadCounts>();
  const entry = (release: string) => {
    const c = counts.get(release) ?? { desired: 0, ready: 0 };
    counts.set(release, c);
    return c;
  };
  for (const w of [...deployments.items, ...statefulSets.items]) {
    const release = w.metadata?.labels?.[INSTANCE_LABEL];
    if (release) entry(release).desired += w.spec?.replicas ?? 1;
  }
  for (const pod of pods.items) {
    const release = pod.metadata?.labels?.[INSTANCE_LABEL];
    const ready = pod.status?.conditions?.some(
      c => c.type === 'Ready' && c.status === 'True',
    );
    if (release && ready && !pod.metadata?.deletionTimestamp) {
      entry(release).ready += 1;
    }
  }
  return counts;
}

/** Services of the acting profile: list, values, upgrade, delete. */
export function createServicesRouter(
  options: ServicesRouterOptions,
): express.Router {
  const { profiles, helm, kubernetes, exposure, charts } = options;
  const router = Router();

  const findRelease = async (namespace: string, name: string) => {
    const release = (await helm.list(namespace)).find(r => r.name === name);
    if (!release)
      throw new NotFoundError(`No service '${name}' in ${namespace}`);
    return release;
  };

  router.get('/services', async (req, res) => {
    const profile = await profiles.resolve(req);
    const [releases, counts] = await Promise.all([
      helm.list(profile.namespace),
      workloadCounts(kubernetes, profile.namespace),
    ]);
    const body: KnotServiceList = {
      items: releases.map(r =>
        toKnotService(
          r,
          profile.name,
          counts.get(r.name),
          serviceUrl(r.name, profile.name, exposure),
          `component:default/${releaseComponentName(profile.name, r.name)}`,
        ),
      ),
    };
    res.json(body);
  });

  router.get('/services/:name/values', async (req, res) => {
    const profile = await profiles.resolve(req);
    await findRelease(profile.namespace, req.params.name);
    const { [KNOT_VALUES_KEY]: _internal, ...values } = (await helm.getValues(
      req.params.name,
      profile.namespace,
    )) as Record<string, unknown>;
    const body: KnotServiceValues = { values };
    res.json(body);
  });

  router.put('/services/:name/values', async (req, res) => {
    const profile = await profiles.resolve(req);
    const values = req.body?.values;
    if (!values || typeof values !== 'object' || Array.isArray(values)) {
      throw new InputError('Body must be { "values": { ... } }');
    }
    const release = await findRelease(profile.namespace, req.params.name);
    const { [KNOT_VALUES_KEY]: _internal, ...userValues } = values;
    const { name, version } = splitChart(release.chart);
    const chart = await charts.find(name, version, profile.name);
    if (!chart) {
      throw new ConflictError(`Chart ${name} ${version} is no longer offered`);
    }
    // --reuse-values keeps the internal knot.* values of the first install.
    await helm.install({
      upgrade: true,
      release: release.name,
      namespace: profile.namespace,
      chart: chart.helmRef.chart,
      repo: chart.helmRef.repo,
      version: chart.helmRef.version ?? chart.version,
      values: userValues,
    });
    res.status(204).end();
  });

  router.delete('/services/:name', async (req, res) => {
    const profile = await profiles.resolve(req);
    await findRelease(profile.namespace, req.params.name);
    await helm.uninstall(req.params.name, profile.namespace);
    res.status(204).end();
  });

  return router;
}

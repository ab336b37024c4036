import express from 'express';
import Router from 'express-promise-router';
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  KNOT_VALUES_KEY,
  releaseEntityRef,
  releaseKnotValues,
  serviceUrl,
  type KnotServiceEventList,
  type KnotServiceFit,
  type KnotServiceForm,
  type KnotServiceList,
  type KnotServicePodList,
  type KnotServiceValues,
} from '@knot-platform/plugin-knot-common';
import type { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import type { ProfileResolver } from '../profiles/ProfileResolver';
import type { ChartCatalog } from '../charts/ChartCatalog';
import type { QuotaFit } from '../quotaFit/QuotaFit';
import { chartForm } from '../charts/templateFromChart';
import type { ExposureSettings } from './config';
import type { Helm, HelmChartOptions } from './Helm';
import { helmInputError } from './helmInputError';
import { installRequest, sendInstall } from './installRoute';
import type { ReleaseEntities } from './releaseEntities';
import { splitChart, toKnotService } from './releaseStatus';
import { releaseObjects } from './releaseObjects';
import { serviceHealth } from './serviceHealth';
import { withCrashLogLines } from './crashLogLines';
import { toKnotServiceEvent } from './serviceEvents';
import {
  podLogRequest,
  releasePod,
  streamPodLog,
  toKnotServicePod,
} from './serviceLogs';
import type { ServiceInstaller } from './ServiceInstaller';
import type { ServiceShares } from '../sharing/ServiceShares';
import type { IdleStopper } from '../idleStop/IdleStopper';
import {
  clientText,
  notAudited,
  recordOutcome,
  type AuditRecorder,
} from '../audit/AuditRecorder';
import type { AuditRecord } from '../audit/AuditLog';
import { sourceAddress } from '../audit/sourceAddress';
import { valuesDiff } from '../audit/valuesDiff';

export interface ReleasesRouterOptions {
  httpAuth: HttpAuthService;
  profiles: ProfileResolver;
  helm: Helm;
  kubernetes: KubernetesClientFactory;
  exposure: ExposureSettings;
  charts: ChartCatalog;
  installer: ServiceInstaller;
  entities: ReleaseEntities;
  /** A deleted service's shares end with it (a later one of its name starts unshared). */
  shares?: Pick<ServiceShares, 'revokeAll'>;
  /** The quota check of installs (in `installer`) and upgrades. */
  fit: QuotaFit;
  /** Idle stop: when each service stops, or when it stopped. */
  idle?: Pick<IdleStopper, 'idleOf'>;
  /** Deploys, upgrades and deletes are recorded with their outcome. */
  audit?: AuditRecorder;
}

/**
 * Services (helm releases) of the acting profile: install, list, values,
 * upgrade, delete; and the release Components of the catalog.
 */
export function createReleasesRouter(
  options: ReleasesRouterOptions,
): express.Router {
  const { profiles, helm, kubernetes, exposure, charts } = options;
  const audit = options.audit ?? notAudited;
  const router = Router();

  /** The audit entry of an action on a profile's service. */
  const serviceEntry = (
    req: express.Request,
    profile: { name: string; actor?: string },
    action: AuditRecord['action'],
    service: unknown,
    details?: Record<string, unknown>,
  ): AuditRecord => ({
    action,
    actor: profile.actor ?? profile.name,
    actingProfile: profile.name,
    target: `service ${profile.name}/${clientText(service)}`,
    targetProfile: profile.name,
    sourceIp: sourceAddress(req),
    details,
  });

  // Deploy an offered chart: the portal, or the scaffolder's
  // knot:helm:install on behalf of its task's initiator (knotServiceRef).
  router.post('/services', async (req, res) => {
    const profile = await profiles.resolve(req);
    const { chart, version } = (req.body ?? {}) as Record<string, unknown>;
    const entry = serviceEntry(req, profile, 'service.deploy', req.body?.name, {
      chart: typeof chart === 'string' ? chart.slice(0, 128) : undefined,
      version: typeof version === 'string' ? version.slice(0, 64) : undefined,
    });
    await sendInstall(res, options.installer, profile, req.body, result =>
      audit.record({ ...entry, result }),
    );
  });

  // Would this install fit the profile's quota? Nothing is deployed: the
  // Create form asks before it lets the user submit.
  router.post('/services/fit', async (req, res) => {
    const profile = await profiles.resolve(req);
    const body: KnotServiceFit = await options.installer.checkFit({
      ...installRequest(req.body),
      profile,
    });
    res.json(body);
  });

  router.get('/catalog/entities/releases', async (req, res) => {
    await options.httpAuth.credentials(req, { allow: ['service'] });
    res.json(await options.entities.list());
  });

  const findRelease = async (namespace: string, name: string) => {
    const release = (await helm.list(namespace)).find(r => r.name === name);
    if (!release)
      throw new NotFoundError(`No service '${name}' in ${namespace}`);
    return release;
  };

  router.get('/services', async (req, res) => {
    const profile = await profiles.resolve(req);
    const [releases, objects, idle] = await Promise.all([
      helm.list(profile.namespace),
      releaseObjects(kubernetes, profile.namespace),
      options.idle?.idleOf(profile.namespace),
    ]);
    const body: KnotServiceList = {
      items: await Promise.all(
        releases.map(async r => {
          const o = objects.get(r.name);
          const health =
            o &&
            (await withCrashLogLines(
              kubernetes,
              profile.namespace,
              serviceHealth(o.pods, o.events, profile.name),
            ));
          return toKnotService(
            r,
            profile.name,
            o?.counts,
            serviceUrl(r.name, profile.name, exposure),
            releaseEntityRef(profile.name, r.name),
            health,
            idle?.get(r.name),
          );
        }),
      ),
    };
    res.json(body);
  });

  // The release's Kubernetes events, newest first: only of the acting
  // profile's namespace, and only of a release helm lists there.
  router.get('/services/:name/events', async (req, res) => {
    const profile = await profiles.resolve(req);
    const release = await findRelease(profile.namespace, req.params.name);
    const objects = await releaseObjects(kubernetes, profile.namespace);
    const body: KnotServiceEventList = {
      items: (objects.get(release.name)?.events ?? []).map(toKnotServiceEvent),
    };
    res.json(body);
  });

  // The release's pods and their containers, newest pod first, for the
  // Logs dialog to pick from.
  router.get('/services/:name/pods', async (req, res) => {
    const profile = await profiles.resolve(req);
    const release = await findRelease(profile.namespace, req.params.name);
    const objects = await releaseObjects(kubernetes, profile.namespace, {
      events: false,
    });
    const body: KnotServicePodList = {
      items: (objects.get(release.name)?.pods ?? [])
        .map(toKnotServicePod)
        .sort((a, b) => b.created.localeCompare(a.created)),
    };
    res.json(body);
  });

  // A container's log, streamed while it runs (follow): only of a pod of a
  // release helm lists in the acting profile's namespace.
  router.get('/services/:name/logs', async (req, res) => {
    const profile = await profiles.resolve(req);
    const release = await findRelease(profile.namespace, req.params.name);
    const pod = await releasePod(
      kubernetes,
      profile.namespace,
      release.name,
      req.query.pod,
    );
    await streamPodLog(
      kubernetes,
      profile.namespace,
      pod.metadata!.name!,
      podLogRequest(pod, req.query),
      res,
      {
        user: profile.actor,
        // As the request was resolved: the user active, still of the
        // profile (a token that has expired ends the log too).
        stillAllowed: () =>
          profiles.resolve(req).then(
            () => true,
            () => false,
          ),
      },
    );
  });

  /** The release's user values: never the internal knot.* ones. */
  const userValues = async (namespace: string, name: string) => {
    const { [KNOT_VALUES_KEY]: _internal, ...values } = (await helm.getValues(
      name,
      namespace,
    )) as Record<string, unknown>;
    return values;
  };

  /** The chart version a release runs, as Knot still offers it. */
  // The profile's own (private) charts first, then the global ones.
  const releaseChart = async (chartField: string, profile: string) => {
    const { name, version } = splitChart(chartField);
    const chart = await charts.find(name, version, profile);
    if (!chart) {
      throw new ConflictError(
        `Chart ${name} ${version} is no longer offered, so its values cannot be changed`,
      );
    }
    return chart;
  };

  router.get('/services/:name/values', async (req, res) => {
    const profile = await profiles.resolve(req);
    await findRelease(profile.namespace, req.params.name);
    const body: KnotServiceValues = {
      values: await userValues(profile.namespace, req.params.name),
    };
    res.json(body);
  });

  // The "Change values" form: the same schema as the chart's Template.
  router.get('/services/:name/form', async (req, res) => {
    const profile = await profiles.resolve(req);
    const release = await findRelease(profile.namespace, req.params.name);
    const chart = await releaseChart(release.chart, profile.name);
    const body: KnotServiceForm = {
      chart: chart.name,
      chartVersion: chart.version,
      schema: chartForm(chart),
      values: await userValues(profile.namespace, release.name),
    };
    res.json(body);
  });

  /**
   * The helm options of an upgrade of `name` to `body.values` as the
   * profile: the submitted values replace the user values; the internal
   * ones are computed again, as at install.
   */
  const upgradeOptions = async (
    profile: { name: string; namespace: string },
    name: string,
    body: unknown,
  ): Promise<HelmChartOptions> => {
    const values = (body as { values?: unknown } | undefined)?.values;
    if (!values || typeof values !== 'object' || Array.isArray(values)) {
      throw new InputError('Body must be { "values": { ... } }');
    }
    if (KNOT_VALUES_KEY in values) {
      throw new InputError(
        `'${KNOT_VALUES_KEY}' values are set by Knot and cannot be changed`,
      );
    }
    const release = await findRelease(profile.namespace, name);
    const chart = await releaseChart(release.chart, profile.name);
    return {
      release: release.name,
      namespace: profile.namespace,
      chart: chart.helmRef.chart,
      repo: chart.helmRef.repo,
      version: chart.helmRef.version ?? chart.version,
      values: {
        ...values,
        [KNOT_VALUES_KEY]: releaseKnotValues({
          release: release.name,
          profile: profile.name,
          namespace: profile.namespace,
          ...exposure,
        }),
      },
    };
  };

  // Would these values fit the profile's quota (what the release holds now
  // given back)? The "Change values" dialog asks before it applies them.
  router.post('/services/:name/fit', async (req, res) => {
    const profile = await profiles.resolve(req);
    const upgrade = await upgradeOptions(profile, req.params.name, req.body);
    let body: KnotServiceFit;
    try {
      body = await options.fit.check(profile, upgrade, true);
    } catch (e) {
      throw helmInputError(e);
    }
    res.json(body);
  });

  router.put('/services/:name/values', async (req, res) => {
    const profile = await profiles.resolve(req);
    const { name } = req.params;
    const entry = serviceEntry(req, profile, 'service.upgrade', name);
    await recordOutcome(audit, entry, async () => {
      const upgrade = await upgradeOptions(profile, name, req.body);
      // The changed keys, secrets masked (the audit entry's details).
      const before = await userValues(profile.namespace, name).catch(
        () => ({}),
      );
      entry.details = {
        changed: valuesDiff(before, req.body.values as Record<string, unknown>),
      };
      try {
        // Before helm: values the quota cannot hold change nothing.
        await options.fit.refuseUnlessFits(profile, upgrade, true);
        await helm.install({ ...upgrade, upgrade: true });
      } catch (e) {
        throw helmInputError(e);
      }
    });
    res.status(204).end();
  });

  router.delete('/services/:name', async (req, res) => {
    const profile = await profiles.resolve(req);
    const { name } = req.params;
    await recordOutcome(
      audit,
      serviceEntry(req, profile, 'service.delete', name),
      async () => {
        await findRelease(profile.namespace, name);
        await helm.uninstall(name, profile.namespace);
        await options.shares?.revokeAll(profile.name, name);
      },
    );
    res.status(204).end();
  });

  return router;
}

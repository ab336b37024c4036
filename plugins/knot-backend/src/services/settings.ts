import path from 'node:path';
import type { Config } from '@backstage/config';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { DEFAULT_NAMESPACE_PREFIX } from '@knot-platform/plugin-knot-common';
import { ChartCatalog } from './ChartCatalog';
import { Helm } from './Helm';
import type { ChartProfiles } from './ChartProfiles';
import { chartSourcesFromConfig } from './chartSourcesFromConfig';
import { LocalChartSource } from './LocalChartSource';
import { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import type { ProfileAccess } from '../profiles/ProfileAccess';
import { exposureFromConfig } from './knotValues';
import {
  RELEASE_CHART_LABEL,
  ServiceInstaller,
  type ReleaseLookup,
} from './ServiceInstaller';

/** The bundled charts: `charts/` at the repository root. */
function defaultChartsDir(): string {
  return path.resolve(
    resolvePackagePath('@knot-platform/plugin-knot-backend'),
    '../../charts',
  );
}

/** `profiles`: the users and teams per-profile chart locations are read for. */
export function chartCatalogFromConfig(
  config: Config,
  warn: (message: string) => void,
  profiles?: ChartProfiles,
): ChartCatalog {
  const dir =
    config.getOptionalString('knot.services.chartsDir') ?? defaultChartsDir();
  const helm = helmFromConfig(config);
  const repositories = chartSourcesFromConfig(config, helm, warn, profiles);
  return new ChartCatalog(
    [new LocalChartSource(path.resolve(dir), 'bundled', warn), ...repositories],
    (config.getOptionalNumber('knot.services.chartsCacheSeconds') ?? 30) * 1000,
  );
}

export function helmFromConfig(config: Config): Helm {
  return new Helm(
    config.getOptionalString('knot.services.helmPath') ?? 'helm',
    config.getOptionalString('knot.kubernetes.kubeconfig'),
    config.getOptionalString('knot.kubernetes.context'),
  );
}

export function namespacePrefixFromConfig(config: Config): string {
  return (
    config.getOptionalString('knot.namespacePrefix') ?? DEFAULT_NAMESPACE_PREFIX
  );
}

/**
 * Helm releases read from the API server: helm keeps each
 * release revision in a Secret labelled `owner=helm`, `name=<release>` plus
 * the `--labels` given at install.
 */
export function clusterReleaseLookup(
  kubernetes: KubernetesClientFactory,
): ReleaseLookup {
  return {
    async releases(namespace) {
      const core = await kubernetes.makeClient(lib => lib.CoreV1Api);
      const secrets = await core.listNamespacedSecret({
        namespace,
        labelSelector: 'owner=helm',
      });
      const byName = new Map<string, { name: string; chart?: string }>();
      for (const s of secrets.items) {
        const labels = s.metadata?.labels ?? {};
        if (!labels.name || labels.status === 'uninstalled') continue;
        byName.set(labels.name, {
          name: labels.name,
          chart: labels[RELEASE_CHART_LABEL],
        });
      }
      return [...byName.values()];
    },
  };
}

/** The installer the scaffolder action and the services API share. */
export function createServiceInstaller(
  config: Config,
  access: ProfileAccess,
  warn: (message: string) => void,
  profiles?: ChartProfiles,
): ServiceInstaller {
  return new ServiceInstaller(
    helmFromConfig(config),
    chartCatalogFromConfig(config, warn, profiles),
    access,
    exposureFromConfig(config),
    namespacePrefixFromConfig(config),
    clusterReleaseLookup(KubernetesClientFactory.fromConfig(config)),
  );
}

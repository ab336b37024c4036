import path from 'node:path';
import type { Config } from '@backstage/config';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { DEFAULT_NAMESPACE_PREFIX } from '@internal/plugin-knot-common';
import { ChartCatalog } from './ChartCatalog';
import { Helm } from './Helm';
import { LocalChartSource } from './LocalChartSource';
import { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import type { ProfileAccess } from '../profiles/ProfileAccess';
import { exposureFromConfig } from './knotValues';
import { ServiceInstaller } from './ServiceInstaller';

/** The bundled charts: `charts/` at the repository root. */
function defaultChartsDir(): string {
  return path.resolve(
    resolvePackagePath('@internal/plugin-knot-backend'),
    '../../charts',
  );
}

export function chartCatalogFromConfig(
  config: Config,
  warn: (message: string) => void,
): ChartCatalog {
  const dir =
    config.getOptionalString('knot.services.chartsDir') ?? defaultChartsDir();
  return new ChartCatalog([
    new LocalChartSource(path.resolve(dir), 'bundled', warn),
  ]);
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

/** Whether a namespace exists (a profile's namespace is made by provisioning). */
export function namespaceExistsCheck(kubernetes: KubernetesClientFactory) {
  return async (namespace: string): Promise<boolean> => {
    const core = await kubernetes.makeClient(lib => lib.CoreV1Api);
    try {
      await core.readNamespace({ name: namespace });
      return true;
    } catch (e) {
      if ((e as { code?: number }).code === 404) return false;
      throw e;
    }
  };
}

/** The installer the scaffolder action and the services API share. */
export function createServiceInstaller(
  config: Config,
  access: ProfileAccess,
  warn: (message: string) => void,
): ServiceInstaller {
  return new ServiceInstaller(
    helmFromConfig(config),
    chartCatalogFromConfig(config, warn),
    access,
    exposureFromConfig(config),
    namespacePrefixFromConfig(config),
    namespaceExistsCheck(KubernetesClientFactory.fromConfig(config)),
  );
}

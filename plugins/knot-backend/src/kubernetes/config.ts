import type { Config } from '@backstage/config';

/** `knot.kubernetes`: the cluster Knot acts on. */
export interface KubernetesConfig {
  /** The kubeconfig file; the standard lookup when unset. */
  kubeconfig?: string;
  /** Its context; the current one when unset. */
  context?: string;
  /** How long a health probe of the API server may take. */
  healthTimeoutMs: number;
}

export function readKubernetesConfig(config: Config): KubernetesConfig {
  return {
    kubeconfig: config.getOptionalString('knot.kubernetes.kubeconfig'),
    context: config.getOptionalString('knot.kubernetes.context'),
    healthTimeoutMs:
      config.getOptionalNumber('knot.kubernetes.healthTimeoutMs') ?? 3000,
  };
}

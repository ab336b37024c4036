import { createHash } from 'node:crypto';
import {
  DATASETS_MOUNT_PATH,
  PRIVATE_VOLUME_CLAIM,
  SHARED_VOLUME_CLAIM,
  knotEnvironment,
  profileKnotValues,
} from '@knot-platform/plugin-knot-common';
import type { WebhookConfig } from '../config';
import type { PodInjection } from './podSpec';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The volume name of a dataset: readable when the dataset name allows it,
 * else a hash (Dataset names may be DNS subdomains, volume names are labels).
 */
export function datasetVolumeName(dataset: string): string {
  const readable = `knot-ds-${dataset}`;
  if (readable.length <= 63 && DNS_LABEL.test(readable)) {
    return readable;
  }
  return `knot-ds-${createHash('sha256')
    .update(dataset)
    .digest('hex')
    .slice(0, 16)}`;
}

/** Volumes, mounts and variables for the pods of one profile namespace. */
export function buildInjection(
  config: WebhookConfig,
  username: string,
  namespace: string,
  datasets: readonly string[],
): PodInjection {
  const injection: PodInjection = {
    volumes: [
      {
        name: PRIVATE_VOLUME_CLAIM,
        persistentVolumeClaim: { claimName: PRIVATE_VOLUME_CLAIM },
      },
      {
        name: SHARED_VOLUME_CLAIM,
        persistentVolumeClaim: { claimName: SHARED_VOLUME_CLAIM },
      },
    ],
    mounts: [
      { name: PRIVATE_VOLUME_CLAIM, mountPath: config.privateDir },
      { name: SHARED_VOLUME_CLAIM, mountPath: config.sharedDir },
    ],
    env: [],
  };
  for (const dataset of [...datasets].sort()) {
    const name = datasetVolumeName(dataset);
    injection.volumes.push({
      name,
      persistentVolumeClaim: { claimName: dataset },
    });
    injection.mounts.push({
      name,
      mountPath: `${DATASETS_MOUNT_PATH}/${dataset}`,
    });
  }
  injection.env.push(
    ...knotEnvironment(
      profileKnotValues({
        profile: username,
        namespace,
        ingressUrl: config.ingress.url,
        privateDir: config.privateDir,
        sharedDir: config.sharedDir,
        urls: config.urls,
      }),
    ),
  );
  return injection;
}

/**
 * Remembers the injection of each namespace and dataset list: building it
 * (env names, volume names) costs more than applying it. Injections are
 * never modified after being built.
 */
export class InjectionCache {
  private readonly entries = new Map<
    string,
    { config: WebhookConfig; injection: PodInjection }
  >();

  get(
    config: WebhookConfig,
    username: string,
    namespace: string,
    datasets: readonly string[],
  ) {
    const key = `${namespace}\u0000${datasets.join('\u0000')}`;
    const hit = this.entries.get(key);
    if (hit && hit.config === config) return hit.injection;
    const injection = buildInjection(config, username, namespace, datasets);
    if (this.entries.size >= 1000) this.entries.clear();
    this.entries.set(key, { config, injection });
    return injection;
  }
}

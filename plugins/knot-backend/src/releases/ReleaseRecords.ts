import { gunzipSync } from 'node:zlib';
import type { V1Secret } from '@kubernetes/client-node';
import type { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import type { HelmRelease } from './Helm';

/** The part of a helm 3 release record that `helm list` shows. */
interface StoredRelease {
  name?: string;
  namespace?: string;
  version?: number;
  info?: { status?: string; last_deployed?: string };
  chart?: {
    metadata?: { name?: string; version?: string; appVersion?: string };
  };
}

/**
 * Go's time.String(), as `helm list -o json` prints `updated`
 * ("2026-12-02 15:22:25.123456789 +0000 UTC"), from helm's RFC 3339 time.
 */
export function helmListTime(rfc3339: string): string {
  const m = rfc3339.match(
    /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  );
  if (!m) return rfc3339;
  const zone =
    m[4] === 'Z'
      ? '+0000 UTC'
      : `${m[4].replace(':', '')} ${m[4].replace(':', '')}`;
  return `${m[1]} ${m[2]}${m[3] ?? ''} ${zone}`;
}

/** Decodes a helm 3 release Secret (base64 of gzipped JSON) to its list entry. */
export function decodeReleaseRecord(secret: V1Secret): HelmRelease | undefined {
  const data = secret.data?.release;
  if (!data) return undefined;
  try {
    let bytes = Buffer.from(Buffer.from(data, 'base64').toString(), 'base64');
    // helm gzips records (magic 1f 8b); very old ones are plain JSON.
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
    const release = JSON.parse(bytes.toString()) as StoredRelease;
    const chart = release.chart?.metadata;
    return {
      name: release.name ?? secret.metadata?.labels?.name ?? '',
      namespace: release.namespace ?? secret.metadata?.namespace ?? '',
      revision: String(
        release.version ?? secret.metadata?.labels?.version ?? '',
      ),
      updated: helmListTime(release.info?.last_deployed ?? ''),
      status: release.info?.status ?? secret.metadata?.labels?.status ?? '',
      chart: chart ? `${chart.name}-${chart.version}` : '',
      app_version: chart?.appVersion ?? '',
    };
  } catch {
    return undefined;
  }
}

/**
 * The latest revision of every release, sorted by name: what
 * `helm list --all` prints, from the release Secrets (labels owner=helm,
 * name, version) alone.
 */
export function latestReleases(secrets: V1Secret[]): HelmRelease[] {
  const latest = new Map<string, V1Secret>();
  const revision = (s: V1Secret) => Number(s.metadata?.labels?.version ?? 0);
  for (const secret of secrets) {
    const labels = secret.metadata?.labels ?? {};
    if (labels.owner !== 'helm' || !labels.name) continue;
    const key = `${secret.metadata?.namespace}/${labels.name}`;
    const seen = latest.get(key);
    if (!seen || revision(secret) > revision(seen)) latest.set(key, secret);
  }
  return [...latest.values()]
    .map(decodeReleaseRecord)
    .filter((r): r is HelmRelease => r !== undefined)
    .sort(
      (a, b) =>
        a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name),
    );
}

/**
 * A namespace's helm releases read from the API server in one list of
 * Secrets, as `helm list --all -n <ns>` reads them, without starting a helm
 * process per call: the Services page and the release Components list them
 * on every view and every refresh (one helm process per request was most of
 * the portal's CPU in bench/scale).
 */
export class ReleaseRecords {
  constructor(private readonly kubernetes: KubernetesClientFactory) {}

  async list(namespace: string): Promise<HelmRelease[]> {
    const core = await this.kubernetes.makeClient(lib => lib.CoreV1Api);
    const secrets = await core.listNamespacedSecret({
      namespace,
      labelSelector: 'owner=helm',
    });
    return latestReleases(secrets.items);
  }
}

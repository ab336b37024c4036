import { gzipSync } from 'node:zlib';
import { RELEASE_CHART_LABEL } from '@knot-platform/plugin-knot-common';

/**
 * A helm release record as helm 3 keeps it (a Secret of type
 * helm.sh/release.v1, the release gzipped and base64-encoded): what a
 * `helm install` leaves in the namespace, without any workload — enough for
 * `helm list`, the Services page and the release Components.
 */
export function releaseRecord(namespace: string, name: string) {
  const now = new Date().toISOString();
  const release = {
    name,
    namespace,
    version: 1,
    info: {
      first_deployed: now,
      last_deployed: now,
      status: 'deployed',
      description: 'Install complete',
    },
    chart: {
      metadata: {
        name: 'hello-kubernetes',
        version: '1.0.0',
        appVersion: '1.10',
        apiVersion: 'v2',
      },
    },
    config: {},
    manifest: '',
  };
  const helmEncoded = gzipSync(JSON.stringify(release)).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'helm.sh/release.v1',
    metadata: {
      name: `sh.helm.release.v1.${name}.v1`,
      namespace,
      labels: {
        owner: 'helm',
        name,
        status: 'deployed',
        version: '1',
        [RELEASE_CHART_LABEL]: 'hello-kubernetes',
      },
    },
    data: { release: Buffer.from(helmEncoded).toString('base64') },
  };
}

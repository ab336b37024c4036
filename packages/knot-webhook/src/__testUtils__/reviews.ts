import { applyPatch, type Operation } from 'fast-json-patch';

/** An AdmissionReview as the API server sends it. */
export function review(
  object: any,
  options: {
    namespace?: string;
    operation?: string;
    uid?: string;
    kind?: any;
  } = {},
) {
  const kind =
    options.kind ??
    (
      {
        Pod: { group: '', version: 'v1', kind: 'Pod' },
        Deployment: { group: 'apps', version: 'v1', kind: 'Deployment' },
        StatefulSet: { group: 'apps', version: 'v1', kind: 'StatefulSet' },
        DaemonSet: { group: 'apps', version: 'v1', kind: 'DaemonSet' },
        ReplicaSet: { group: 'apps', version: 'v1', kind: 'ReplicaSet' },
        Job: { group: 'batch', version: 'v1', kind: 'Job' },
        CronJob: { group: 'batch', version: 'v1', kind: 'CronJob' },
        Ingress: { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress' },
      } as Record<string, any>
    )[object?.kind];
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: options.uid ?? 'uid-1',
      kind,
      namespace: options.namespace ?? 'knot-alice',
      operation: options.operation ?? 'CREATE',
      object,
    },
  };
}

/** Decodes the patch of an AdmissionReview answer. */
export function patchOf(response: any): Operation[] {
  if (!response.patch) return [];
  return JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8'));
}

/** The object as the API server stores it after applying the answer's patch. */
export function applyAnswer(object: any, response: any): any {
  return applyPatch(structuredClone(object), patchOf(response), true, false)
    .newDocument;
}

export function podSpec(extra: Record<string, any> = {}) {
  return { containers: [{ name: 'app', image: 'busybox', ...extra }] };
}

export function deployment(
  labels: Record<string, string> = {},
  spec = podSpec(),
) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec },
    },
  };
}

export function pod(spec = podSpec(), labels: Record<string, string> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', labels },
    spec,
  };
}

export function ingress(
  hosts: (string | undefined)[],
  labels: Record<string, string> = {},
) {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', labels },
    spec: {
      rules: hosts.map(host => ({
        ...(host ? { host } : {}),
        http: {
          paths: [
            {
              path: '/',
              pathType: 'Prefix',
              backend: { service: { name: 'web', port: { number: 80 } } },
            },
          ],
        },
      })),
    },
  };
}

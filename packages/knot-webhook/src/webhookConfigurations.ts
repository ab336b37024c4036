import {
  KNOT_NAMESPACE_ENABLED,
  KNOT_NAMESPACE_LABEL,
} from '@knot-platform/plugin-knot-common';

/** Where the API server reaches the webhook. */
export type WebhookEndpoint =
  | { url: string }
  | { service: { namespace: string; name: string; port?: number } };

export interface WebhookConfigurationOptions {
  endpoint: WebhookEndpoint;
  /** PEM of the CA that signed the serving certificate. */
  caPem: string;
  /** Name of both configuration objects. @default knot */
  name?: string;
  /** @default 5 */
  timeoutSeconds?: number;
  /** @default Fail: an unreachable webhook must not let pods through bare. */
  failurePolicy?: 'Fail' | 'Ignore';
  /** Extra namespace labels to require (tests use it to stay apart). */
  extraNamespaceLabels?: Record<string, string>;
}

const WORKLOAD_RULES = [
  {
    apiGroups: [''],
    apiVersions: ['v1'],
    resources: ['pods'],
    operations: ['CREATE'],
  },
  {
    apiGroups: ['apps'],
    apiVersions: ['v1'],
    resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'],
    operations: ['CREATE', 'UPDATE'],
  },
  {
    apiGroups: ['batch'],
    apiVersions: ['v1'],
    resources: ['jobs', 'cronjobs'],
    operations: ['CREATE', 'UPDATE'],
  },
  {
    apiGroups: ['networking.k8s.io'],
    apiVersions: ['v1'],
    resources: ['ingresses'],
    operations: ['CREATE', 'UPDATE'],
  },
].map(rule => ({ ...rule, scope: 'Namespaced' }));

function clientConfig(endpoint: WebhookEndpoint, path: string, caPem: string) {
  const caBundle = Buffer.from(caPem).toString('base64');
  if ('url' in endpoint) {
    return { url: `${endpoint.url.replace(/\/+$/, '')}${path}`, caBundle };
  }
  return { service: { port: 443, ...endpoint.service, path }, caBundle };
}

/**
 * The MutatingWebhookConfiguration and ValidatingWebhookConfiguration of
 * Knot: every namespace labelled `knot: enabled`, pods and the pod templates
 * of workloads, and ingresses.
 */
export function webhookConfigurations(options: WebhookConfigurationOptions) {
  const name = options.name ?? 'knot';
  const common = {
    namespaceSelector: {
      matchLabels: {
        [KNOT_NAMESPACE_LABEL]: KNOT_NAMESPACE_ENABLED,
        ...options.extraNamespaceLabels,
      },
    },
    rules: WORKLOAD_RULES,
    failurePolicy: options.failurePolicy ?? 'Fail',
    matchPolicy: 'Equivalent',
    sideEffects: 'None',
    timeoutSeconds: options.timeoutSeconds ?? 5,
    admissionReviewVersions: ['v1'],
  };
  const metadata = { name, labels: { 'app.kubernetes.io/managed-by': 'knot' } };
  return {
    mutating: {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata,
      webhooks: [
        {
          name: 'mutate.webhook.knot.io',
          clientConfig: clientConfig(
            options.endpoint,
            '/mutate',
            options.caPem,
          ),
          ...common,
          // Other webhooks may add containers after Knot: run again then.
          reinvocationPolicy: 'IfNeeded',
        },
      ],
    },
    validating: {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata,
      webhooks: [
        {
          name: 'validate.webhook.knot.io',
          clientConfig: clientConfig(
            options.endpoint,
            '/validate',
            options.caPem,
          ),
          ...common,
        },
      ],
    },
  };
}

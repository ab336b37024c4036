import { webhookConfigurations } from './webhookConfigurations';

describe('webhookConfigurations', () => {
  it('selects Knot namespaces, fails closed and never has side effects', () => {
    const { mutating, validating } = webhookConfigurations({
      endpoint: { url: 'https://127.0.0.1:8443/' },
      caPem: 'PEM',
    });
    const [m] = mutating.webhooks;
    const [v] = validating.webhooks;
    expect(m).toMatchObject({
      clientConfig: {
        url: 'https://127.0.0.1:8443/mutate',
        caBundle: Buffer.from('PEM').toString('base64'),
      },
      namespaceSelector: { matchLabels: { knot: 'enabled' } },
      failurePolicy: 'Fail',
      sideEffects: 'None',
      timeoutSeconds: 5,
      reinvocationPolicy: 'IfNeeded',
      admissionReviewVersions: ['v1'],
    });
    expect(v.clientConfig.url).toBe('https://127.0.0.1:8443/validate');
    expect(v).not.toHaveProperty('reinvocationPolicy');
    expect(m.rules.flatMap(r => r.resources).sort()).toEqual([
      'cronjobs',
      'daemonsets',
      'deployments',
      'ingresses',
      'jobs',
      'pods',
      'replicasets',
      'statefulsets',
    ]);
  });

  it('points at an in-cluster Service', () => {
    const { mutating } = webhookConfigurations({
      endpoint: { service: { namespace: 'knot', name: 'knot-webhook' } },
      caPem: 'PEM',
      timeoutSeconds: 3,
      failurePolicy: 'Ignore',
    });
    expect(mutating.webhooks[0]).toMatchObject({
      clientConfig: {
        service: {
          namespace: 'knot',
          name: 'knot-webhook',
          port: 443,
          path: '/mutate',
        },
      },
      timeoutSeconds: 3,
      failurePolicy: 'Ignore',
    });
  });

  it('requires the extra namespace labels tests stay apart with', () => {
    const { mutating, validating } = webhookConfigurations({
      endpoint: { url: 'https://127.0.0.1:1' },
      caPem: 'PEM',
      extraNamespaceLabels: { 'knot-test': 'x' },
    });
    for (const hook of [mutating.webhooks[0], validating.webhooks[0]]) {
      expect(hook.namespaceSelector).toEqual({
        matchLabels: { knot: 'enabled', 'knot-test': 'x' },
      });
    }
  });
});

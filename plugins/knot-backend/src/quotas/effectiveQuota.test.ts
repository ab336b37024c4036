import { ConfigReader } from '@backstage/config';
import { readProvisioningConfig } from '../provisioning/config';
import { profileManifests } from '../provisioning/manifests';
import { effectiveQuota, namespaceQuota } from './effectiveQuota';
import { QuotaOverridesSource } from './QuotaOverridesSource';
import { checkQuotaOverrides, quotaResources } from './quotaResources';

describe('effectiveQuota', () => {
  it('merges default ← profile config ← override, per resource', () => {
    expect(
      effectiveQuota({
        defaults: { 'requests.cpu': '1', pods: '10', 'limits.memory': '4Gi' },
        profile: { 'requests.cpu': '2', pods: '20' },
        overrides: { 'requests.cpu': '3' },
      }),
    ).toEqual({
      'requests.cpu': { quantity: '3', source: 'override' },
      pods: { quantity: '20', source: 'profile' },
      'limits.memory': { quantity: '4Gi', source: 'default' },
    });
  });

  it('leaves the private folder out of the namespace quota', () => {
    expect(namespaceQuota({ pods: '2', privateStorage: '1Gi' })).toEqual({
      pods: '2',
    });
  });
});

describe('the reconciler’s ResourceQuota with overrides', () => {
  const config = readProvisioningConfig(
    new ConfigReader({
      knot: {
        storage: { privateDir: '/data/private', sharedDir: '/data/shared' },
        provisioning: {
          quota: { 'requests.cpu': '1', pods: '10' },
          profiles: [{ name: 'guest', quota: { pods: '5' } }],
        },
      },
    }),
  );

  async function hardOf(name: string, overrides: Record<string, string>) {
    const source = new QuotaOverridesSource(
      {
        listProfiles: async () => [
          {
            name,
            isTeam: false,
            active: true,
            quota: config.profiles.find(p => p.name === name)?.quota,
          },
        ],
      },
      { listAll: async () => new Map([[name, overrides]]) },
    );
    const [target] = await source.listProfiles();
    const quota = profileManifests(target, config).objects.find(
      o => o.kind === 'ResourceQuota',
    );
    return (quota?.spec as { hard: Record<string, string> }).hard;
  }

  it('writes the override over the profile’s config and the default', async () => {
    expect(
      await hardOf('guest', { 'requests.cpu': '3', privateStorage: '1Gi' }),
    ).toEqual({ 'requests.cpu': '3', pods: '5' });
    expect(await hardOf('alice', { 'limits.memory': '2Gi' })).toEqual({
      'requests.cpu': '1',
      pods: '10',
      'limits.memory': '2Gi',
    });
    expect(await hardOf('alice', {})).toEqual({
      'requests.cpu': '1',
      pods: '10',
    });
  });
});

describe('checkQuotaOverrides', () => {
  const allowed = quotaResources({
    extendedResources: ['nvidia.com/gpu'],
    defaults: { services: '5' },
  });

  it('knows CPU, memory, pods, the named GPUs, the defaults and the folder', () => {
    expect(allowed).toEqual([
      'requests.cpu',
      'limits.cpu',
      'requests.memory',
      'limits.memory',
      'pods',
      'requests.nvidia.com/gpu',
      'services',
      'privateStorage',
    ]);
  });

  it('accepts Kubernetes quantities', () => {
    expect(
      checkQuotaOverrides(
        {
          'requests.cpu': '500m',
          'limits.memory': ' 8Gi ',
          'requests.memory': '512Ki',
          pods: 4,
          'requests.nvidia.com/gpu': '1',
          privateStorage: '1e9',
        },
        allowed,
      ),
    ).toEqual({
      'requests.cpu': '500m',
      'limits.memory': '8Gi',
      'requests.memory': '512Ki',
      pods: '4',
      'requests.nvidia.com/gpu': '1',
      privateStorage: '1e9',
    });
  });

  it.each([
    [[], /must be a map/],
    [
      { 'requests.amd.com/gpu': '1' },
      /'requests.amd.com\/gpu' cannot be limited here/,
    ],
    [{ 'requests.cpu': '-1' }, /'-1' is not a quantity for requests.cpu/],
    [{ 'requests.cpu': 'two' }, /'two' is not a quantity/],
    [{ 'limits.memory': '8GB' }, /'8GB' is not a quantity/],
    [{ 'limits.memory': '8K' }, /'8K' is not a quantity/],
    [{ 'limits.memory': '' }, /must be a text/],
    [{ pods: '1.5' }, /pods must be a whole number/],
    [{ pods: { n: 1 } }, /must be a text/],
  ])('refuses %j in words', (body, message) => {
    expect(() => checkQuotaOverrides(body, allowed)).toThrow(message);
  });
});

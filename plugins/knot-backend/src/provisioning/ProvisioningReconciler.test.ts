import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { KubeObjects } from './KubeObjects';
import { readProvisioningConfig } from './config';
import { ProvisioningReconciler } from './ProvisioningReconciler';

describe('ProvisioningReconciler', () => {
  it('refuses profile names that are not valid usernames, touching nothing', async () => {
    const kube = {
      list: jest.fn(async () => []),
      apply: jest.fn(),
      delete: jest.fn(),
      mergePatch: jest.fn(),
    };
    const reconciler = new ProvisioningReconciler({
      kube: kube as unknown as KubeObjects,
      source: {
        listProfiles: async () => [
          { name: '../etc', isTeam: false, active: true },
        ],
      },
      config: readProvisioningConfig(
        new ConfigReader({
          knot: {
            storage: { privateDir: '/nonexistent/p', sharedDir: '/tmp' },
          },
        }),
      ),
      logger: mockServices.logger.mock(),
    });
    const report = await reconciler.reconcileAll();
    expect(report.actions).toEqual([
      {
        profile: '../etc',
        kind: 'Profile',
        name: '../etc',
        action: 'failed',
        detail: expect.stringMatching(/^invalid name/),
      },
    ]);
    expect(kube.apply).not.toHaveBeenCalled();
  });
});

import type { ChartCatalog } from '../charts/ChartCatalog';
import { HelmError, type Helm } from './Helm';
import { ServiceInstaller } from './ServiceInstaller';
import type { ExposureSettings } from './config';
import { helloChart } from './__testUtils__/helloChart';

const chart = helloChart;

const exposure: ExposureSettings = {
  domain: 'knot.test',
  scheme: 'https',
  ingressUrl: 'https://portal.test',
  urls: {},
};

/**
 * An installer over a helm whose namespace holds `running`, recording
 * the shares it ends.
 */
function installer(running: string[]) {
  const revoked: string[] = [];
  const helm = {
    install: async ({ release }: { release: string }) => {
      if (running.includes(release)) {
        throw new HelmError(
          'helm install failed',
          'Error: INSTALLATION FAILED: cannot re-use a name that is still in use',
        );
      }
      running.push(release);
      return '';
    },
  } as unknown as Helm;
  const charts = {
    find: async () => chart,
  } as unknown as ChartCatalog;
  const shares = {
    revokeAll: async (owner: string, service: string) => {
      revoked.push(`${owner}/${service}`);
    },
  };
  return {
    revoked,
    install: (name: string) =>
      new ServiceInstaller(
        helm,
        charts,
        exposure,
        { releases: async () => [] },
        undefined,
        shares,
      ).install({
        name,
        chart: 'hello',
        profile: { name: 't', namespace: 'knot-t' } as any,
      }),
  };
}

describe('ServiceInstaller and shares', () => {
  it('ends the shares of an earlier service of the name it installs anew (removed with helm, not the portal)', async () => {
    const { install, revoked } = installer([]);
    expect((await install('nb')).release).toBe('nb');
    expect(revoked).toEqual(['t/nb']);
  });

  it("leaves a running service's shares: helm refused its name, the new one is another", async () => {
    const { install, revoked } = installer(['nb']);
    expect((await install('nb')).release).toBe('nb-2');
    expect(revoked).toEqual(['t/nb-2']);
  });
});

import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import type { ProfileQuota } from '@knot-platform/plugin-knot-common';
import { quotasApiRef, type QuotasApi } from '../../api/QuotasApi';
import { QuotaUsage } from './QuotaUsage';

jest.setTimeout(60_000);

function apiAnswering(quota: ProfileQuota): QuotasApi {
  return {
    getQuota: jest.fn(async () => quota),
  } as Partial<QuotasApi> as QuotasApi;
}

describe('QuotaUsage', () => {
  it('shows a used / limit bar per resource, in units people read', async () => {
    renderInTestApp(<QuotaUsage />, {
      apis: [
        [
          quotasApiRef,
          apiAnswering({
            profile: 'alice',
            isTeam: false,
            overrides: { 'requests.cpu': '4' },
            resources: [
              {
                resource: 'requests.cpu',
                used: '1500m',
                limit: '4',
                source: 'override',
              },
              {
                resource: 'limits.memory',
                used: '7Gi',
                limit: '8Gi',
                source: 'default',
              },
              { resource: 'pods', used: '3', limit: '10', source: 'default' },
              { resource: 'privateStorage', used: '1048576' },
            ],
          }),
        ],
      ],
    });
    const cpu = await screen.findByRole('progressbar', {
      name: 'CPU requested: 1.5 CPU / 4 CPU',
    });
    expect(cpu.getAttribute('aria-valuenow')).toBe('38');
    const memory = screen.getByRole('progressbar', {
      name: 'Memory limit: 7 GiB / 8 GiB',
    });
    expect(memory.getAttribute('aria-valuenow')).toBe('88');
    expect(
      screen.getByRole('progressbar', { name: 'Pods: 3 pods / 10 pods' }),
    ).toBeInTheDocument();
    // Without a limit: what is used, and no bar.
    expect(screen.getByText('1 MiB / no limit')).toBeInTheDocument();
    expect(screen.getAllByRole('progressbar')).toHaveLength(3);
    expect(screen.getByText('Your quota')).toBeInTheDocument();
  });

  it('names the team when acting as one, and says why it has no numbers', async () => {
    const api = {
      getQuota: jest.fn(async () => {
        throw new Error('The quota’s usage cannot be read from Kubernetes now');
      }),
    } as Partial<QuotasApi> as QuotasApi;
    renderInTestApp(<QuotaUsage />, { apis: [[quotasApiRef, api]] });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not read the quota: The quota’s usage cannot be read from Kubernetes now',
    );

    renderInTestApp(<QuotaUsage />, {
      apis: [
        [
          quotasApiRef,
          apiAnswering({
            profile: 'vision',
            isTeam: true,
            overrides: {},
            resources: [],
          }),
        ],
      ],
    });
    expect(await screen.findByText('Quota of team vision')).toBeInTheDocument();
    expect(
      screen.getByText('No quota limits this profile.'),
    ).toBeInTheDocument();
  });

  it('reads the quota again within 30 s', async () => {
    jest.useFakeTimers();
    try {
      const api = apiAnswering({
        profile: 'alice',
        isTeam: false,
        overrides: {},
        resources: [],
      });
      renderInTestApp(<QuotaUsage />, { apis: [[quotasApiRef, api]] });
      await jest.advanceTimersByTimeAsync(1_000);
      const first = (api.getQuota as jest.Mock).mock.calls.length;
      expect(first).toBeGreaterThanOrEqual(1);
      await jest.advanceTimersByTimeAsync(30_000);
      expect((api.getQuota as jest.Mock).mock.calls.length).toBeGreaterThan(
        first,
      );
    } finally {
      jest.useRealTimers();
    }
  });
});

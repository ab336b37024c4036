import { renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { ProfileQuotaList } from '@knot-platform/plugin-knot-common';
import { quotasApiRef, type QuotasApi } from '../../api/QuotasApi';
import { QuotasPanel } from './QuotasPanel';

jest.setTimeout(60_000);

const list: ProfileQuotaList = {
  resources: ['requests.cpu', 'pods', 'privateStorage'],
  items: [
    {
      profile: 'alice',
      isTeam: false,
      overrides: { 'requests.cpu': '4' },
      resources: [
        { resource: 'requests.cpu', used: '1', limit: '4', source: 'override' },
        { resource: 'pods', used: '9', limit: '10', source: 'default' },
        { resource: 'privateStorage', used: '0' },
      ],
    },
    {
      profile: 'bob',
      isTeam: false,
      overrides: {},
      resources: [
        {
          resource: 'requests.cpu',
          used: '1800m',
          limit: '2',
          source: 'default',
        },
        { resource: 'pods', used: '1', limit: '10', source: 'default' },
        { resource: 'privateStorage', used: '0' },
      ],
    },
    {
      profile: 'vision',
      isTeam: true,
      overrides: {},
      resources: [{ resource: 'privateStorage', used: '0' }],
    },
  ],
};

function profilesInOrder() {
  const table = screen.getByRole('table', { name: 'Quotas' });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row => within(row).getAllByRole('cell')[0].textContent);
}

describe('QuotasPanel', () => {
  it('lists every profile’s usage and sorts by how full a resource is', async () => {
    const api = {
      listQuotas: async () => list,
    } as Partial<QuotasApi> as QuotasApi;
    renderInTestApp(<QuotasPanel />, { apis: [[quotasApiRef, api]] });
    expect(await screen.findByText('1 CPU / 4 CPU *')).toBeInTheDocument();
    expect(screen.getByText('1.8 CPU / 2 CPU')).toBeInTheDocument();
    expect(profilesInOrder()).toEqual(['alice', 'bob', 'vision team']);

    // Fullest first: bob uses 90% of his CPU, alice 25%, vision has no limit.
    fireEvent.click(screen.getByRole('button', { name: 'CPU requested' }));
    expect(profilesInOrder()).toEqual(['bob', 'alice', 'vision team']);
    fireEvent.click(screen.getByRole('button', { name: 'CPU requested' }));
    expect(profilesInOrder()).toEqual(['vision team', 'alice', 'bob']);
    fireEvent.click(screen.getByRole('button', { name: 'Pods' }));
    expect(profilesInOrder()).toEqual(['alice', 'bob', 'vision team']);
    fireEvent.click(screen.getByRole('button', { name: 'Profile' }));
    expect(profilesInOrder()).toEqual(['alice', 'bob', 'vision team']);
  });

  it('edits overrides: refuses a bad quantity in words, shows the backend’s refusal, saves', async () => {
    const setQuotaOverrides = jest
      .fn()
      .mockRejectedValueOnce(
        Object.assign(new Error('x'), {
          body: {
            error: { message: "'requests.cpu' cannot be limited here" },
          },
        }),
      )
      .mockResolvedValueOnce({
        profile: 'alice',
        overrides: { 'requests.cpu': '2', pods: '5' },
        reconcile: { startedAt: '', durationMs: 1, profiles: 1, actions: [] },
      });
    const listQuotas = jest.fn(async () => list);
    const api = {
      listQuotas,
      setQuotaOverrides,
    } as Partial<QuotasApi> as QuotasApi;
    renderInTestApp(<QuotasPanel />, { apis: [[quotasApiRef, api]] });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Edit the quota of alice' }),
    );
    const dialog = await screen.findByRole('dialog');
    const cpu = within(dialog).getByLabelText('CPU requested (requests.cpu)');
    expect(cpu).toHaveValue('4');
    const pods = within(dialog).getByLabelText('Pods (pods)');
    expect(pods).toHaveAttribute('placeholder', 'default: 10');

    fireEvent.change(pods, { target: { value: '2.5' } });
    expect(
      within(dialog).getByText('A whole number of pods'),
    ).toBeInTheDocument();
    fireEvent.change(cpu, { target: { value: 'two' } });
    expect(
      within(dialog).getByText(
        'Write a number with an optional unit, e.g. 2, 500m, 4Gi',
      ),
    ).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Save' })).toBeDisabled();

    fireEvent.change(cpu, { target: { value: '2' } });
    fireEvent.change(pods, { target: { value: '5' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      "'requests.cpu' cannot be limited here",
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(setQuotaOverrides).toHaveBeenLastCalledWith('alice', {
      'requests.cpu': '2',
      pods: '5',
    });
    await waitFor(() =>
      expect(listQuotas.mock.calls.length).toBeGreaterThan(1),
    );
  });

  it('says when the namespace did not follow a saved change', async () => {
    const api = {
      listQuotas: async () => list,
      setQuotaOverrides: async () => ({
        profile: 'bob',
        overrides: {},
        reconcile: {
          startedAt: '',
          durationMs: 1,
          profiles: 1,
          actions: [
            {
              profile: 'bob',
              kind: 'ResourceQuota',
              name: 'knot-bob/knot-quota',
              action: 'failed' as const,
              detail: 'forbidden',
            },
          ],
        },
      }),
    } as Partial<QuotasApi> as QuotasApi;
    renderInTestApp(<QuotasPanel />, { apis: [[quotasApiRef, api]] });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Edit the quota of bob' }),
    );
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Clear overrides' }),
    );
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Saved, but the namespace did not follow yet: forbidden',
    );
  });
});

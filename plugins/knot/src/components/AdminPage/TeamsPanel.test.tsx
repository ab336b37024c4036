import { renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { knotApiRef, type KnotApi } from '../../api/KnotApi';
import { TeamsPanel } from './TeamsPanel';

describe('TeamsPanel', () => {
  it('flags a team without an active owner and approves a waiting one', async () => {
    const approveTeam = jest.fn(async () => ({}));
    const run = jest.fn(async (action: () => Promise<unknown>) => {
      await action();
    });
    await renderInTestApp(
      <TeamsPanel
        teams={[
          {
            name: 'orphans',
            members: ['alice'],
            roles: { alice: 'owner' },
            ownerless: true,
            active: true,
            createdAt: '2026-12-02T00:00:00.000Z',
          },
          {
            name: 'newbies',
            members: ['bob'],
            roles: { bob: 'owner' },
            ownerless: false,
            active: false,
            createdAt: '2026-12-02T00:00:00.000Z',
          },
        ]}
        run={run}
      />,
      { apis: [[knotApiRef, { approveTeam } as unknown as KnotApi]] },
    );
    const orphans = screen.getByRole('region', { name: 'Team orphans' });
    expect(within(orphans).getByText('no active owner')).toBeInTheDocument();
    expect(within(orphans).getByText('alice (owner)')).toBeInTheDocument();
    expect(
      within(orphans).queryByRole('button', { name: 'Approve team' }),
    ).not.toBeInTheDocument();

    const newbies = screen.getByRole('region', { name: 'Team newbies' });
    expect(within(newbies).queryByText('no active owner')).toBeNull();
    fireEvent.click(
      within(newbies).getByRole('button', { name: 'Approve team' }),
    );
    await waitFor(() => expect(approveTeam).toHaveBeenCalledWith('newbies'));
  });
});

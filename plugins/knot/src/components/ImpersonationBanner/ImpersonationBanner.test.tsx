import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { knotApiRef, type KnotApi } from '../../api/KnotApi';
import { ImpersonationBanner } from './ImpersonationBanner';

/** The admin `root`, member of team `ops`, with `selected` chosen. */
function fakeApi(selected: string | undefined) {
  return {
    getSelectedProfile: () => selected,
    selectProfile: jest.fn(),
    getMe: async () => ({
      username: 'root',
      admin: true,
      teams: ['ops'],
      profiles: ['root', 'ops'],
    }),
    getActingProfile: async () => ({
      name: selected ?? 'root',
      actor: 'root',
      namespace: `knot-${selected ?? 'root'}`,
    }),
  } as unknown as KnotApi;
}

describe('ImpersonationBanner', () => {
  it('says whom an admin acts as, and offers to stop', async () => {
    await renderInTestApp(<ImpersonationBanner />, {
      apis: [[knotApiRef, fakeApi('alice')]],
    });
    const banner = await screen.findByRole('status', { name: 'Impersonation' });
    expect(banner).toHaveTextContent('Acting as alice (you are root)');
    expect(screen.getByRole('button', { name: 'Stop' })).toBeInTheDocument();
  });

  it('shows nothing for the admin themself or their own team', async () => {
    for (const selected of [undefined, 'ops']) {
      const { unmount } = await renderInTestApp(<ImpersonationBanner />, {
        apis: [[knotApiRef, fakeApi(selected)]],
      });
      // Let the confirmation call settle.
      await new Promise(resolve => setTimeout(resolve, 50));
      expect(
        screen.queryByRole('status', { name: 'Impersonation' }),
      ).not.toBeInTheDocument();
      unmount();
    }
  });
});

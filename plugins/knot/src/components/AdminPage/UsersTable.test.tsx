import { renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen, within } from '@testing-library/react';
import type { KnotUser } from '@knot-platform/plugin-knot-common';
import { knotApiRef, type KnotApi } from '../../api/KnotApi';
import { UsersTable } from './UsersTable';

jest.setTimeout(30_000);

const alice: KnotUser = {
  username: 'alice',
  active: true,
  admin: false,
  createdAt: '2026-01-01T00:00:00Z',
};

describe('UsersTable', () => {
  it('says what deleting a user removes before doing it', async () => {
    const deleteUser = jest.fn(async () => {});
    const api = { deleteUser } as Partial<KnotApi> as KnotApi;
    renderInTestApp(
      <UsersTable
        users={[alice]}
        me="root"
        run={async action => {
          await action();
        }}
      />,
      { apis: [[knotApiRef, api]] },
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText('Deleting alice removes:'),
    ).toBeInTheDocument();
    expect(dialog.textContent).toMatch(/namespace of alice/);
    expect(dialog.textContent).toMatch(/every service \(helm release\)/);
    expect(dialog.textContent).toMatch(
      /volumes of alice's private and shared folders/,
    );
    expect(dialog.textContent).toMatch(/use Deactivate instead/);
    expect(deleteUser).not.toHaveBeenCalled();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    expect(deleteUser).toHaveBeenCalledWith('alice');
  });

  it('tells that deactivation keeps everything', async () => {
    renderInTestApp(
      <UsersTable users={[alice]} me="root" run={async () => {}} />,
      { apis: [[knotApiRef, {} as KnotApi]] },
    );
    expect(
      (await screen.findByRole('button', { name: 'Deactivate' })).title,
    ).toMatch(/namespace, services and data are kept/);
  });
});

import { renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type {
  KnotMyTeam,
  KnotTeamInvitation,
} from '@knot-platform/plugin-knot-common';
import { knotApiRef, type KnotApi } from '../../api/KnotApi';
import { teamsApiRef, type TeamsApi } from '../../api/TeamsApi';
import { TeamsPage } from './TeamsPage';

const proj: KnotMyTeam = {
  name: 'proj',
  active: true,
  role: 'owner',
  members: [
    { username: 'alice', role: 'owner', active: true },
    { username: 'bob', role: 'viewer', active: true },
  ],
  invitations: [],
  access: [
    { username: 'alice', role: 'owner', portal: 'full', namespaceRole: 'edit' },
    {
      username: 'bob',
      role: 'viewer',
      portal: 'read-only',
      namespaceRole: 'view',
    },
  ],
  createdAt: '2026-12-02T00:00:00.000Z',
};

/** A fake of the backend (the real one: selfServiceTeams.test). */
function fakeApis(teams: KnotMyTeam[], invitations: KnotTeamInvitation[]) {
  const teamsApi = {
    listMyTeams: async () => teams,
    listInvitations: async () => invitations,
    createTeam: jest.fn(async () => {
      throw new Error("The name 'bob' is already taken");
    }),
    acceptInvitation: jest.fn(async () => {}),
    declineInvitation: jest.fn(async () => {}),
    invite: jest.fn(async () => {}),
    cancelInvitation: jest.fn(async () => {}),
    setRole: jest.fn(async () => {}),
    removeMember: jest.fn(async () => {}),
    transfer: jest.fn(async () => {}),
    leave: jest.fn(async () => {}),
  } satisfies TeamsApi;
  const knotApi = {
    getMe: async () => ({
      username: 'alice',
      admin: false,
      teams: teams.map(t => t.name),
      profiles: ['alice', ...teams.map(t => t.name)],
    }),
    selectProfile: jest.fn(),
  } as unknown as KnotApi;
  return { teamsApi, knotApi };
}

describe('TeamsPage', () => {
  it("shows an owner's team with roles and access, and invites", async () => {
    const { teamsApi, knotApi } = fakeApis([proj], []);
    await renderInTestApp(<TeamsPage />, {
      apis: [
        [teamsApiRef, teamsApi],
        [knotApiRef, knotApi],
      ],
    });
    const team = await screen.findByRole('region', { name: 'Team proj' });
    const access = within(team).getByRole('table', {
      name: 'Who has access to proj',
    });
    expect(within(access).getByText('read-only')).toBeInTheDocument();
    expect(within(access).getByText('view')).toBeInTheDocument();

    const form = within(team).getByRole('form', { name: 'Invite to proj' });
    fireEvent.change(within(form).getByLabelText('Username to invite'), {
      target: { value: 'carol' },
    });
    fireEvent.change(
      within(form).getByLabelText('Role of the invitee to proj'),
      {
        target: { value: 'viewer' },
      },
    );
    fireEvent.click(within(form).getByRole('button', { name: 'Invite' }));
    await waitFor(() =>
      expect(teamsApi.invite).toHaveBeenCalledWith('proj', 'carol', 'viewer'),
    );

    fireEvent.change(within(team).getByLabelText('Role of bob'), {
      target: { value: 'member' },
    });
    await waitFor(() =>
      expect(teamsApi.setRole).toHaveBeenCalledWith('proj', 'bob', 'member'),
    );
  });

  it('accepts an invitation and says why a name is refused', async () => {
    const { teamsApi, knotApi } = fakeApis(
      [],
      [
        {
          team: 'vision',
          invitee: 'alice',
          role: 'member',
          invitedBy: 'carol',
          createdAt: '2026-12-02T00:00:00.000Z',
        },
      ],
    );
    await renderInTestApp(<TeamsPage />, {
      apis: [
        [teamsApiRef, teamsApi],
        [knotApiRef, knotApi],
      ],
    });
    const invitation = await screen.findByRole('group', {
      name: 'Invitation to vision',
    });
    fireEvent.click(within(invitation).getByRole('button', { name: 'Accept' }));
    await waitFor(() =>
      expect(teamsApi.acceptInvitation).toHaveBeenCalledWith('vision'),
    );

    const create = screen.getByRole('form', { name: 'Create a team' });
    fireEvent.change(within(create).getByLabelText('New team name'), {
      target: { value: 'bob' },
    });
    fireEvent.click(
      within(create).getByRole('button', { name: 'Create team' }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      "The name 'bob' is already taken",
    );
  });
});

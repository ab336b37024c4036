import { renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen, within } from '@testing-library/react';
import type { ProfileProvisioningStatus } from '@knot-platform/plugin-knot-common';
import {
  provisioningApiRef,
  type ProvisioningApi,
} from '../../api/ProvisioningApi';
import { AdminProvisioningPage } from './AdminProvisioningPage';

const alice: ProfileProvisioningStatus = {
  name: 'alice',
  isTeam: false,
  active: true,
  namespace: 'knot-alice',
  namespacePhase: 'Active',
  privateVolume: 'Bound',
  sharedVolume: 'Pending',
  quota: { hard: { pods: '10' }, used: { pods: '2' } },
};

function api(overrides: Partial<ProvisioningApi> = {}): ProvisioningApi {
  return {
    listProfiles: async () => [alice],
    reconcile: async () => ({
      startedAt: '2026-01-01T00:00:00Z',
      durationMs: 42,
      profiles: 1,
      actions: [
        {
          profile: 'alice',
          kind: 'PersistentVolumeClaim',
          name: 'knot-alice/knot-private',
          action: 'created',
        },
      ],
    }),
    listLeftoverFolders: async () => [],
    deleteLeftoverFolder: async name => ({
      profile: name,
      kind: 'Folder',
      name,
      action: 'deleted',
    }),
    ...overrides,
  };
}

// material-table renders slowly; on a loaded machine the defaults are too short.
jest.setTimeout(30_000);
const slow = { timeout: 10_000 };

describe('AdminProvisioningPage', () => {
  it('shows namespace, volume binding and quota per profile', async () => {
    renderInTestApp(<AdminProvisioningPage />, {
      apis: [[provisioningApiRef, api()]],
    });
    expect(
      await screen.findByText('knot-alice (Active)', {}, slow),
    ).toBeInTheDocument();
    expect(screen.getByText('Bound')).toBeInTheDocument();
    expect(screen.getByText('Pending')).toBeInTheDocument();
    expect(screen.getByText('pods: 2/10')).toBeInTheDocument();
  });

  it('reconciles on demand and lists what changed', async () => {
    const reconcile = jest.fn(api().reconcile);
    renderInTestApp(<AdminProvisioningPage />, {
      apis: [[provisioningApiRef, api({ reconcile })]],
    });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Reconcile now' }, slow),
    );
    expect(
      await screen.findByText(
        'created PersistentVolumeClaim knot-alice/knot-private',
        {},
        slow,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Reconciled 1 profile(s) in 42 ms'),
    ).toBeInTheDocument();
    expect(reconcile).toHaveBeenCalledWith(undefined);

    fireEvent.click(screen.getByRole('button', { name: 'Reconcile alice' }));
    expect(
      await screen.findByText(/Reconciled 1 profile/, {}, slow),
    ).toBeInTheDocument();
    expect(reconcile).toHaveBeenLastCalledWith('alice');
  });

  it('says so when nothing changed, and shows refusals', async () => {
    renderInTestApp(<AdminProvisioningPage />, {
      apis: [
        [
          provisioningApiRef,
          api({
            reconcile: async () => ({
              startedAt: 'x',
              durationMs: 1,
              profiles: 1,
              actions: [],
            }),
            listProfiles: async () => {
              throw new Error('Only Knot admins may do this');
            },
          }),
        ],
      ],
    });
    expect(
      await screen.findByText(/Only Knot admins may do this/, {}, slow),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Reconcile now' }));
    expect(
      await screen.findByText(
        'Everything was in place: nothing changed.',
        {},
        slow,
      ),
    ).toBeInTheDocument();
  });

  it('deletes a leftover folder only after the name is typed', async () => {
    let left = ['bob'];
    const deleteLeftoverFolder = jest.fn(async (name: string) => {
      left = [];
      return {
        profile: name,
        kind: 'Folder',
        name,
        action: 'deleted' as const,
      };
    });
    renderInTestApp(<AdminProvisioningPage />, {
      apis: [
        [
          provisioningApiRef,
          api({ listLeftoverFolders: async () => left, deleteLeftoverFolder }),
        ],
      ],
    });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Delete folder of bob' }, slow),
    );
    const dialog = await screen.findByRole('dialog', {}, slow);
    const confirm = within(dialog).getByRole('button', {
      name: 'Delete folder',
    });
    expect(confirm).toBeDisabled();
    fireEvent.change(within(dialog).getByLabelText('Name'), {
      target: { value: 'bob' },
    });
    expect(confirm).toBeEnabled();
    fireEvent.click(confirm);
    expect(
      await screen.findByText(
        'None: every private folder belongs to a profile.',
        {},
        slow,
      ),
    ).toBeInTheDocument();
    expect(deleteLeftoverFolder).toHaveBeenCalledWith('bob');
  });
});

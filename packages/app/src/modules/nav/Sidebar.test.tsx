import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import knotPlugin from '@knot-platform/plugin-knot';
import {
  knotProvisioningManagePermission,
  knotUsersManagePermission,
} from '@knot-platform/plugin-knot-common';
import { fireEvent, screen, within } from '@testing-library/react';
import { knotBackend } from '../../__testUtils__/knotBackend';
import { renderPortal } from '../../__testUtils__/renderPortal';
import { navModule } from '.';

// The first render of a whole app is slow on a loaded machine.
jest.setTimeout(120_000);
const slow = { timeout: 60_000 };

const { server } = knotBackend();
registerMswTestHooks(server);

/** The portal's sidebar, once the app has rendered it. */
async function sidebar() {
  const nav = await screen.findByRole(
    'navigation',
    { name: 'sidebar nav' },
    slow,
  );
  // Entries every user has: the sidebar is complete.
  await within(nav).findByRole('link', { name: 'Files' }, slow);
  return within(nav);
}

function renderKnot(
  path: string,
  granted?: string[] | ((permission: string) => boolean),
) {
  renderPortal({ features: [knotPlugin, navModule], path, granted });
}

describe('the sidebar and Knot’s admin pages', () => {
  it('shows a user who is no admin neither Admin nor Provisioning, nor their pages', async () => {
    renderKnot('/knot/admin');

    const nav = await sidebar();
    expect(nav.getByRole('link', { name: 'Knot' })).toBeInTheDocument();
    expect(nav.getByRole('link', { name: 'Services' })).toBeInTheDocument();
    expect(nav.getByRole('link', { name: 'Account' })).toBeInTheDocument();
    expect(nav.queryByRole('link', { name: 'Admin' })).toBeNull();
    expect(nav.queryByRole('link', { name: 'Provisioning' })).toBeNull();
    expect(await screen.findByText(/PAGE NOT FOUND/, {}, slow)).toBeVisible();
  });

  it('has an entry per integration, opening it in a new tab', async () => {
    renderKnot('/knot');

    const nav = await sidebar();
    const grafana = await nav.findByRole('link', { name: 'Grafana' }, slow);
    expect(grafana).toHaveAttribute('href', 'https://grafana.example');
    expect(grafana).toHaveAttribute('target', '_blank');
    expect(nav.queryByRole('link', { name: 'JupyterHub' })).toBeNull();
  });

  it('does not open Provisioning for a user who is no admin either', async () => {
    renderKnot('/knot/admin/provisioning');

    await sidebar();
    expect(await screen.findByText(/PAGE NOT FOUND/, {}, slow)).toBeVisible();
    expect(screen.queryByRole('button', { name: 'Reconcile now' })).toBeNull();
  });

  it('shows an admin both entries, and both pages open', async () => {
    renderKnot('/knot/admin', [
      knotUsersManagePermission.name,
      knotProvisioningManagePermission.name,
    ]);

    const nav = await sidebar();
    expect(nav.getByRole('link', { name: 'Admin' })).toBeInTheDocument();
    expect(
      await screen.findByRole('button', { name: 'Create team' }, slow),
    ).toBeVisible();

    fireEvent.click(nav.getByRole('link', { name: 'Provisioning' }));
    expect(
      await screen.findByRole('button', { name: 'Reconcile now' }, slow),
    ).toBeVisible();
  });

  it('gives each admin page its own permission', async () => {
    renderKnot('/knot/admin/provisioning', [
      knotProvisioningManagePermission.name,
    ]);

    const nav = await sidebar();
    expect(nav.getByRole('link', { name: 'Provisioning' })).toBeInTheDocument();
    expect(nav.queryByRole('link', { name: 'Admin' })).toBeNull();
    expect(
      await screen.findByRole('button', { name: 'Reconcile now' }, slow),
    ).toBeVisible();
  });

  it('refuses an admin page whose permission was withdrawn since sign-in', async () => {
    // Granted when the app asked at sign-in, refused whenever asked again.
    const asked = new Set<string>();
    renderKnot('/knot/admin', permission => {
      const first = !asked.has(permission);
      asked.add(permission);
      return first;
    });

    const nav = await sidebar();
    expect(nav.getByRole('link', { name: 'Admin' })).toBeInTheDocument();
    expect(await screen.findByText(/PAGE NOT FOUND/, {}, slow)).toBeVisible();
    expect(screen.queryByRole('button', { name: 'Create team' })).toBeNull();
  });
});

import { expect, sidebarLink, signInAsGuest, test } from '../fixtures';

// Admin and Provisioning follow Knot's permissions (knot.users.manage,
// knot.provisioning.manage), which Knot's permission policy grants to Knot
// admins: the development guest is one, a newly approved user is not.

test.describe('admin pages', () => {
  test('an admin finds Admin and Provisioning in the sidebar, and opens them', async ({
    page,
  }) => {
    await signInAsGuest(page, '/knot');

    await sidebarLink(page, 'Admin').click();
    await expect(
      page.getByRole('heading', { level: 1, name: 'Admin' }),
    ).toBeVisible();
    await expect(
      page.getByRole('button', { name: 'Create team' }),
    ).toBeVisible();

    await sidebarLink(page, 'Provisioning').click();
    await expect(
      page.getByRole('button', { name: 'Reconcile now' }),
    ).toBeVisible();
  });

  test('a user who is no admin sees neither, and cannot open them', async ({
    signInAsNewUser,
  }) => {
    // Sign-up, approval and sign-in: several page loads, each a while on a
    // loaded machine.
    test.setTimeout(300_000);
    const member = await signInAsNewUser('e2e-nav');
    await member.goto('/knot');
    // The sidebar is complete once the pages every user has are in it.
    await expect(sidebarLink(member, 'Files')).toBeVisible();
    await expect(sidebarLink(member, 'Account')).toBeVisible();
    await expect(sidebarLink(member, 'Admin')).toHaveCount(0);
    await expect(sidebarLink(member, 'Provisioning')).toHaveCount(0);

    for (const path of ['/knot/admin', '/knot/admin/provisioning']) {
      await member.goto(path);
      await expect(member.getByText(/PAGE NOT FOUND/)).toBeVisible();
    }
  });
});

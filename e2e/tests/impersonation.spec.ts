import { expect, FIRST_ADMIN, test } from '../fixtures';

/**
 * Admin impersonation as a flow: the admin starts acting as a user from the
 * Admin page, a banner says so on every page, calls act as the user, and
 * Stop returns to the admin's own identity.
 */
test('an admin impersonates a user, sees the banner, acts as them, stops', async ({
  signInAsNewUser,
  signIn,
}) => {
  // Page loads are slow on a loaded machine (identity.spec.ts does the same).
  test.setTimeout(240_000);
  const user = await signInAsNewUser('imp');
  await user.goto('/knot/account');
  const signedIn = await user.getByText(/^Signed in as /).textContent();
  const username = signedIn!.replace(/^Signed in as /, '').trim();

  const admin = await signIn(FIRST_ADMIN.username, FIRST_ADMIN.password);
  await admin.goto('/knot/admin');
  await admin
    .getByTestId(`user-${username}`)
    .getByRole('button', { name: 'Impersonate' })
    .click();
  const banner = admin.getByRole('status', { name: 'Impersonation' });
  await expect(banner).toContainText(`Acting as ${username}`);

  // Acting as the user: the services page lists theirs, as them.
  const listed = admin.waitForResponse(r =>
    r.url().endsWith('/api/knot/services'),
  );
  await admin.goto('/knot/services');
  const response = await listed;
  expect(response.status()).toBe(200);
  expect(response.request().headers()['x-knot-profile']).toBe(username);
  await expect(banner).toBeVisible();

  await banner.getByRole('button', { name: 'Stop' }).click();
  await expect(banner).toHaveCount(0);
  await admin.goto('/knot/account');
  await expect(
    admin.getByText(
      `Acting as ${FIRST_ADMIN.username} (namespace knot-${FIRST_ADMIN.username})`,
    ),
  ).toBeVisible();
});

import {
  approve,
  expect,
  FIRST_ADMIN,
  openKnotLogin,
  signUp,
  test,
} from '../fixtures';

// Issue 17: an admin's override on the Admin page becomes the user's
// ResourceQuota (reconciled before the dialog closes), and the user's home
// page shows it as "used / limit".
test('an admin sets a user’s CPU quota; the user sees it as used / limit on the home page', async ({
  page,
  signIn,
}) => {
  test.setTimeout(300_000);
  const username = `e2e-quota-${Date.now().toString(36)}`;
  const password = 'e2e-quota e2e password';
  await signUp(await openKnotLogin(page), username, password);
  const admin = await signIn(FIRST_ADMIN.username, FIRST_ADMIN.password);
  await approve(admin, username);

  const user = await signIn(username, password);
  await user.goto('/knot');
  await expect(user.getByText('Your quota')).toBeVisible();
  await expect(
    user.getByRole('progressbar', { name: /^CPU requested:/ }),
  ).toHaveCount(0);

  await admin.goto('/knot/admin');
  await admin
    .getByRole('button', { name: `Edit the quota of ${username}` })
    .click();
  const dialog = admin.getByRole('form', { name: `Quota of ${username}` });
  await dialog.getByLabel('CPU requested (requests.cpu)').fill('seven');
  await expect(dialog.getByRole('button', { name: 'Save' })).toBeDisabled();
  await dialog.getByLabel('CPU requested (requests.cpu)').fill('3');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toHaveCount(0);

  // Read again every 15 s; a reload shows it at once.
  await user.reload();
  await expect(
    user.getByRole('progressbar', { name: 'CPU requested: 0 CPU / 3 CPU' }),
  ).toBeVisible();
});

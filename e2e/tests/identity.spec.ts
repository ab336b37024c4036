import {
  approve,
  BACKEND_URL,
  chooseTemplate,
  expect,
  FIRST_ADMIN,
  openKnotLogin,
  signUp,
  test,
} from '../fixtures';

const suffix = Date.now().toString(36);
const user = `e2e-${suffix}`;
const team = `t-${suffix}`;
const password = 'e2e user password';

test.describe.serial('Knot identity', () => {
  test('a new user signs up and waits for approval', async ({ page }) => {
    const login = await openKnotLogin(page);
    await signUp(login, user, password);

    // Taken names are refused with a clear message.
    await login.getByRole('link', { name: 'Create an account' }).click();
    await login.getByLabel('Username').fill(user);
    await login.getByLabel('Password').fill(password);
    await login.getByRole('button', { name: 'Create account' }).click();
    await expect(login.getByRole('alert')).toContainText('is already taken');
    await login.getByRole('link', { name: 'Back to sign-in' }).click();

    await login.getByLabel('Username').fill(user);
    await login.getByLabel('Password').fill(password);
    await login.getByRole('button', { name: 'Sign in' }).click();
    await expect(login.getByRole('alert')).toContainText(
      'awaiting approval by an admin',
    );
  });

  test('the admin approves the user and puts them in a team', async ({
    signIn,
  }) => {
    const page = await signIn(FIRST_ADMIN.username, FIRST_ADMIN.password);
    await approve(page, user);

    await page.getByLabel('Team name').fill(team);
    await page.getByRole('button', { name: 'Create team' }).click();
    const section = page.getByRole('region', { name: `Team ${team}` });
    await section.getByLabel(`New member of ${team}`).fill(user);
    await section.getByRole('button', { name: 'Add member' }).click();
    await expect(section.getByText(user, { exact: true })).toBeVisible();
  });

  test('the user signs in, is no admin, and acts as the team', async ({
    signIn,
  }) => {
    // Four page loads, each a while on a loaded machine.
    test.setTimeout(240_000);
    const page = await signIn(user, password);
    const meRequest = page.waitForRequest(r =>
      r.url().endsWith('/api/knot/me'),
    );
    await page.goto('/knot/account');
    await expect(page.getByText(`Signed in as ${user}`)).toBeVisible();

    // Not an admin: the API refuses, and so does the page.
    const authorization = (await meRequest).headers().authorization;
    const users = await page.request.get(`${BACKEND_URL}/api/knot/users`, {
      headers: { authorization },
    });
    expect(users.status()).toBe(403);

    // Switch to the team's profile; the backend confirms it.
    await page.getByRole('button', { name: /Acting profile/ }).click();
    await page.getByRole('option', { name: team }).click();
    await expect(
      page.getByText(`Acting as ${team} (namespace knot-${team})`),
    ).toBeVisible();

    // Nor is there an Admin page for them (adminPages.spec.ts: the sidebar).
    await page.goto('/knot/admin');
    await expect(page.getByText(/PAGE NOT FOUND/)).toBeVisible();
  });

  test('the member deploys a service as the team from Create', async ({
    signIn,
  }) => {
    // A deploy on a loaded machine (controllers, kwok) takes a while.
    test.setTimeout(300_000);
    const page = await signIn(user, password);
    const name = `tm${suffix.slice(-6)}`;
    await page.goto('/create');
    await chooseTemplate(page, 'Hello Kubernetes');
    await page.getByLabel('Name', { exact: false }).first().fill(name);
    // The profile picker offers the user and their team.
    await page.getByLabel('Profile').click();
    await page.getByRole('option', { name: team, exact: true }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('button', { name: 'Create' }).click();
    await expect(
      page.getByRole('link', { name: 'Open the service' }),
    ).toBeVisible({ timeout: 90_000 });

    // It runs in the team's namespace, under the team's hostname: acting as
    // the team, the member sees it on the Services page.
    await page.goto('/knot/account');
    await page.getByRole('button', { name: /Acting profile/ }).click();
    await page.getByRole('option', { name: team }).click();
    await page.goto('/knot/services');
    const row = page.getByRole('row').filter({ hasText: name });
    await expect(row.getByText('Running', { exact: true })).toBeVisible({
      timeout: 120_000,
    });
    await expect(row.getByText(`${name}-${team}.`)).toBeVisible();

    await row.getByRole('button', { name: `Delete ${name}` }).click();
    await page.getByRole('button', { name: 'Confirm delete' }).click();
    await expect(page.getByRole('row').filter({ hasText: name })).toHaveCount(
      0,
      { timeout: 30_000 },
    );
  });
});

import { expect, test, type Browser, type Page } from '@playwright/test';

// scripts/test serves a per-profile chart repository ({profile}) holding
// hello-kubernetes for the first admin only: its private Template.
const ADMIN_PASSWORD = process.env.KNOT_ADMIN_PASSWORD ?? 'knot-admin-password';
const PRIVATE_TITLE = 'Hello Kubernetes (private chart of admin)';

/** Signs in through Knot's login page (a popup of the sign-in page). */
async function signIn(browser: Browser, username: string, secret: string) {
  const page: Page = await (await browser.newContext()).newPage();
  await page.goto('/');
  const popup = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Sign In' }).first().click();
  const login = await popup;
  await login.getByLabel('Username').fill(username);
  await login.getByLabel('Password').fill(secret);
  await login.getByRole('button', { name: 'Sign in' }).click();
  await login.waitForEvent('close');
  return page;
}

test.describe.serial('private charts', () => {
  test('the admin, whose chart it is, finds its private Template in Create', async ({
    browser,
  }) => {
    const page = await signIn(browser, 'admin', ADMIN_PASSWORD);
    await page.goto('/create');
    // The chart provider lists the per-profile locations once the portal is
    // up; reload until its Templates are in the catalog.
    await expect(async () => {
      await page.reload();
      await expect(
        page.getByRole('heading', { name: PRIVATE_TITLE, exact: true }),
      ).toBeVisible({ timeout: 5_000 });
    }).toPass({ timeout: 90_000 });
  });

  test('another user (the guest) does not see it in Create', async ({
    page,
  }) => {
    await page.goto('/create');
    await page.getByRole('button', { name: 'Enter' }).click();
    // The public Template of the same chart is there, the private one not.
    await expect(
      page.getByRole('heading', { name: 'Hello Kubernetes', exact: true }),
    ).toBeVisible();
    await expect(
      page.getByRole('heading', { name: PRIVATE_TITLE, exact: true }),
    ).toHaveCount(0);
  });
});

import { expect, FIRST_ADMIN, signInAsGuest, test } from '../fixtures';

// scripts/test serves a per-profile chart repository ({profile}) holding
// hello-kubernetes for the first admin only: its private Template.
const PRIVATE_TITLE = `Hello Kubernetes (private chart of ${FIRST_ADMIN.username})`;

test.describe.serial('private charts', () => {
  test('the admin, whose chart it is, finds its private Template in Create', async ({
    signIn,
  }) => {
    // Page loads take a while on a loaded machine, and this one reloads.
    test.setTimeout(300_000);
    const page = await signIn(FIRST_ADMIN.username, FIRST_ADMIN.password);
    await page.goto('/create');
    // The chart provider lists the per-profile locations once the portal is
    // up; reload until its Templates are in the catalog. The public Template
    // shows once the page has its Templates.
    await expect(async () => {
      await page.reload();
      await expect(
        page.getByRole('heading', { name: 'Hello Kubernetes', exact: true }),
      ).toBeVisible({ timeout: 60_000 });
      await expect(
        page.getByRole('heading', { name: PRIVATE_TITLE, exact: true }),
      ).toBeVisible({ timeout: 5_000 });
    }).toPass({ timeout: 240_000 });
  });

  test('another user (the guest) does not see it in Create', async ({
    page,
  }) => {
    await signInAsGuest(page, '/create');
    // The public Template of the same chart is there, the private one not.
    await expect(
      page.getByRole('heading', { name: 'Hello Kubernetes', exact: true }),
    ).toBeVisible();
    await expect(
      page.getByRole('heading', { name: PRIVATE_TITLE, exact: true }),
    ).toHaveCount(0);
  });
});

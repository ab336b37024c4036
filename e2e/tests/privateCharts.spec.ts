import { expect, FIRST_ADMIN, test } from '../fixtures';

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

  // Not the development guest: a Knot admin, who may act as anyone, sees
  // every profile's charts.
  test('another user, who is no admin, does not see it in Create', async ({
    signInAsNewUser,
  }) => {
    test.setTimeout(300_000);
    const page = await signInAsNewUser('e2e-charts');
    await page.goto('/create');
    // The public Template of the same chart is there, the private one not.
    await expect(
      page.getByRole('heading', { name: 'Hello Kubernetes', exact: true }),
    ).toBeVisible();
    await expect(
      page.getByRole('heading', { name: PRIVATE_TITLE, exact: true }),
    ).toHaveCount(0);
  });
});

import { expect, sidebarLink, signInAsGuest, test } from '../fixtures';
import { resolve } from 'node:path';

// The development config provisions the guest user besides the store's
// users and teams, and makes it an admin (knot.provisioning in app-config.development.yaml).
test('an admin sees the guest namespace bound and reconciles on demand', async ({
  page,
}) => {
  // Page loads take a while on a loaded machine, and this one reloads.
  test.setTimeout(300_000);
  await signInAsGuest(page, '/catalog');
  await sidebarLink(page, 'Provisioning').click();

  await page.getByRole('button', { name: 'Reconcile now' }).click();
  // Either this reconcile created the objects or the one at startup did;
  // other specs may have added users and teams before this one.
  await expect(
    page.getByText(/^Reconciled \d+ profile\(s\) in \d+ ms$/),
  ).toBeVisible();

  // The PV controller binds both volumes; the table shows it after a reload,
  // once the page has its profiles again.
  await expect(async () => {
    await page.reload();
    const row = page.getByRole('row', { name: /knot-guest \(Active\)/ });
    await expect(row).toBeVisible({ timeout: 60_000 });
    await expect(row.getByText('Bound')).toHaveCount(2, { timeout: 2000 });
  }).toPass({ timeout: 240_000 });

  // Everything is in place now: a second reconcile changes nothing.
  await page.getByRole('button', { name: 'Reconcile now' }).click();
  await expect(
    page.getByText('Everything was in place: nothing changed.'),
  ).toBeVisible();

  await page.screenshot({
    path: resolve(__dirname, '../output/provisioning-page.png'),
    fullPage: true,
  });
});

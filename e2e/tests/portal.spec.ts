import { expect, test } from '@playwright/test';
import { resolve } from 'node:path';

test('the Knot page is reachable from the sidebar and sees the cluster', async ({
  page,
}) => {
  await page.goto('/catalog');

  // Local development signs in as guest.
  await page.getByRole('button', { name: 'Enter' }).click();

  const sidebar = page.getByRole('navigation', { name: 'sidebar nav' });
  await sidebar.getByRole('link', { name: 'Knot', exact: true }).click();

  await expect(
    page.getByRole('heading', { level: 1, name: 'Knot' }),
  ).toBeVisible();
  // The backend answered /api/knot/health and reached the local cluster.
  await expect(page.getByText(/^reachable \(v1\.\d+\.\d+\)$/)).toBeVisible();

  await page.screenshot({
    path: resolve(__dirname, '../output/knot-page.png'),
    fullPage: true,
  });
});

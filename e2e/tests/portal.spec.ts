import { expect, sidebarLink, signInAsGuest, test } from '../fixtures';
import { resolve } from 'node:path';

test('the Knot page is reachable from the sidebar and sees the cluster', async ({
  page,
}) => {
  await signInAsGuest(page, '/catalog');
  await sidebarLink(page, 'Knot').click();

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

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

test('the portal counts requests by route at its metrics port, and no name is a label', async ({
  page,
}) => {
  const port = process.env.KNOT_METRICS_PORT;
  test.skip(!port, 'the portal exports metrics only with KNOT_METRICS_PORT');
  await signInAsGuest(page, '/knot');
  await expect(page.getByText(/^reachable \(v1\.\d+\.\d+\)$/)).toBeVisible();

  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const requests = text
    .split('\n')
    .filter(line => line.startsWith('knot_portal_requests_total{'));
  expect(
    requests.find(
      line => line.includes('route="/health"') && line.includes('code="200"'),
    ),
  ).toBeDefined();
  expect(text).toContain('knot_portal_request_duration_seconds_bucket{');
  // Route templates only: the signed-in user's name is in no label.
  expect(requests.join('\n')).not.toContain('guest');
});

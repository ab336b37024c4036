import { expect, sidebarLink, signInAsGuest, test } from '../fixtures';
import { readFileSync } from 'node:fs';
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

test('a slow guest sign-in is finished before the next page opens', async ({
  page,
}) => {
  // The sign-in's answer takes 2 s, as on a loaded machine; a spec that
  // opens its next page at once must still find itself signed in.
  await page.route('**/api/auth/guest/refresh*', async route => {
    await new Promise(r => setTimeout(r, 2_000));
    await route.continue();
  });
  await signInAsGuest(page, '/knot');
  await page.goto('/knot/services');
  await expect(sidebarLink(page, 'Services')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Enter' })).toHaveCount(0);
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

test('every portal series and label the Grafana dashboard charts is one the running portal exports', async ({
  page,
}) => {
  const port = process.env.KNOT_METRICS_PORT;
  test.skip(!port, 'the portal exports metrics only with KNOT_METRICS_PORT');
  await signInAsGuest(page, '/knot');
  await expect(page.getByText(/^reachable \(v1\.\d+\.\d+\)$/)).toBeVisible();
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  // name -> the labels its exported samples carry
  const exported = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const m = /^(knot_portal_\w+)\{([^}]*)\}/.exec(line);
    if (!m) continue;
    const labels = exported.get(m[1]) ?? new Set<string>();
    for (const pair of m[2].matchAll(/(\w+)="/g)) labels.add(pair[1]);
    exported.set(m[1], labels);
  }
  const dashboard = JSON.parse(
    readFileSync(
      resolve(__dirname, '../../integrations/grafana/knot-dashboard.json'),
      'utf8',
    ),
  );
  const exprs: string[] = dashboard.panels.flatMap(
    (p: { targets?: Array<{ expr: string }> }) =>
      (p.targets ?? []).map(t => t.expr),
  );
  const charted = exprs.filter(e => e.includes('knot_portal_'));
  expect(charted.length).toBeGreaterThanOrEqual(6);
  for (const expr of charted) {
    for (const [, name] of expr.matchAll(/(knot_portal_\w+)/g)) {
      expect({ expr, name, exported: exported.has(name) }).toEqual({
        expr,
        name,
        exported: true,
      });
      // Labels the query selects or groups by, but Prometheus' own (job, le).
      const used = [
        ...[...expr.matchAll(/by \(([^)]*)\)/g)].flatMap(m =>
          m[1].split(',').map(l => l.trim()),
        ),
        ...[...expr.matchAll(/(\w+)=~?"/g)].map(m => m[1]),
      ].filter(l => l !== 'job' && l !== 'le');
      for (const label of used) {
        expect({
          expr,
          label,
          exported: exported.get(name)!.has(label),
        }).toEqual({ expr, label, exported: true });
      }
    }
  }
});

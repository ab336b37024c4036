import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { deployHello, expect, INGRESS, signInAsGuest, test } from '../fixtures';

/**
 * A service's container log on the Services page, on the real node: the
 * lines a running container prints appear in the Logs dialog while it stays
 * open (one streamed request, not a poll).
 */

const profile = 'guest';
const namespace = `knot-${profile}`;
const release = `lg${Date.now().toString(36).slice(-6)}`;

function kubectl(...args: string[]): string {
  return execFileSync('kubectl', args, { encoding: 'utf8' });
}

test.skip(
  !INGRESS,
  'the cluster has no real node and ingress (KNOT_REAL_NODE=0)',
);

test.afterAll(() => {
  try {
    execFileSync('helm', ['uninstall', release, '-n', namespace], {
      stdio: 'ignore',
    });
  } catch {
    // Already gone.
  }
});

test("a running container's lines appear in the Logs dialog as it prints them", async ({
  page,
}) => {
  test.setTimeout(420_000);
  await signInAsGuest(page, '/create');
  await deployHello(page, { name: release, profile });

  // The release's container prints a numbered line every half second.
  kubectl(
    'patch',
    'deployment',
    release,
    '-n',
    namespace,
    '--type=json',
    '-p',
    JSON.stringify([
      {
        op: 'replace',
        path: '/spec/template/spec/containers/0/image',
        value: 'registry.knot.internal/knot/busybox:1.35.0',
      },
      {
        op: 'add',
        path: '/spec/template/spec/containers/0/command',
        value: [
          'sh',
          '-c',
          'i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.5; done',
        ],
      },
      {
        op: 'remove',
        path: '/spec/template/spec/containers/0/readinessProbe',
      },
    ]),
  );

  await page.goto('/knot/services');
  const row = page.getByRole('row').filter({ hasText: release });
  await expect(row.getByText('Running', { exact: true })).toBeVisible({
    timeout: 180_000,
  });
  // The patched pod, not the first one, is the newest once the old is gone.
  await expect
    .poll(
      () =>
        kubectl(
          'get',
          'pods',
          '-n',
          namespace,
          '-l',
          `app.kubernetes.io/instance=${release}`,
          '-o',
          'jsonpath={range .items[*]}{.spec.containers[0].image}{"\\n"}{end}',
        ).trim(),
      { timeout: 180_000, intervals: [2_000] },
    )
    .toBe('registry.knot.internal/knot/busybox:1.35.0');

  let logRequests = 0;
  page.on('request', r => {
    if (r.url().includes(`/services/${release}/logs`)) logRequests++;
  });
  await row.getByRole('button', { name: `Logs of ${release}` }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByText(`Logs of ${release}`)).toBeVisible();
  await expect(
    dialog.getByText('Following: new lines appear', { exact: false }),
  ).toBeVisible({ timeout: 60_000 });
  const log = dialog.getByLabel('Log of hello-kubernetes');
  await expect(log).toContainText(/tick \d+/, { timeout: 60_000 });
  const last = async () => {
    const ticks = [...(await log.innerText()).matchAll(/tick (\d+)/g)];
    return Number(ticks[ticks.length - 1]?.[1] ?? 0);
  };
  const first = await last();
  // Later lines arrive on the same open request.
  await expect.poll(last, { timeout: 10_000 }).toBeGreaterThan(first + 3);
  expect(logRequests).toBe(1);
  await page.screenshot({
    path: resolve(__dirname, '../output/services-logs.png'),
    fullPage: true,
  });
  await dialog.getByRole('button', { name: 'Close' }).click();
});

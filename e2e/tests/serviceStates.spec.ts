import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, INGRESS, signInAsGuest, test } from '../fixtures';

/**
 * The failure catalogue on the Services page, each failure produced for
 * real on the real node: a service whose pods the profile's quota refuses,
 * one whose image cannot be pulled and one whose program keeps crashing each
 * show "Failed" with the reason in words, not "Starting 0/1" forever.
 *
 * The releases are installed with helm itself (the chart Knot deploys): what
 * is under test is how the page explains a failing release, not the Create
 * form (services.spec.ts covers it). Each case has its own release, removed
 * after it, and leftovers of an earlier run are removed first, so the spec
 * runs again on the same cluster.
 */

const profile = 'guest';
const namespace = `knot-${profile}`;
const chart = resolve(__dirname, '../../charts/hello-kubernetes');
const run = Date.now().toString(36).slice(-5);
/** Every release and quota of this spec: `ss-<case>-<run>`. */
const PREFIX = 'ss-';
const QUOTA_LABEL = 'knot.dev/e2e=service-states';

function kubectl(...args: string[]): string {
  return execFileSync('kubectl', args, { encoding: 'utf8' });
}

function helm(...args: string[]): string {
  return execFileSync('helm', args, { encoding: 'utf8' });
}

/** Installs Hello Kubernetes as `name` without waiting for its pods. */
function installHello(name: string, ...set: string[]) {
  helm(
    'install',
    name,
    chart,
    '-n',
    namespace,
    ...set.flatMap(s => ['--set', s]),
  );
}

/** Removes this spec's releases and quotas, of this run or an earlier one. */
function removeLeftovers() {
  const releases = JSON.parse(
    helm('list', '-n', namespace, '--all', '-o', 'json') || '[]',
  ) as Array<{ name: string }>;
  for (const r of releases.filter(x => x.name.startsWith(PREFIX))) {
    helm('uninstall', r.name, '-n', namespace, '--wait=false');
  }
  kubectl(
    'delete',
    'resourcequota',
    '-n',
    namespace,
    '-l',
    QUOTA_LABEL,
    '--ignore-not-found',
  );
}

/** Signs in as the guest on the Services page: the row of `name`. */
async function serviceRow(page: Page, name: string) {
  await signInAsGuest(page, '/knot/services');
  // The page polls the list: the row shows once helm lists the release.
  return page.getByRole('row').filter({ hasText: name });
}

test.describe.configure({ mode: 'serial' });
test.skip(
  !INGRESS,
  'the cluster has no real node and ingress (KNOT_REAL_NODE=0)',
);

test.beforeAll(async ({ browser }) => {
  // Signing in once provisions the guest's namespace (knot=enabled: its
  // pods run on the real node).
  const page = await browser.newPage();
  await signInAsGuest(page, '/knot/services');
  await expect
    .poll(
      () => {
        try {
          return kubectl(
            'get',
            'namespace',
            namespace,
            '-o',
            'jsonpath={.metadata.labels.knot}',
          );
        } catch {
          return '';
        }
      },
      { timeout: 60_000 },
    )
    .toBe('enabled');
  await page.close();
  removeLeftovers();
});

test.afterAll(() => {
  try {
    removeLeftovers();
  } catch {
    // The cluster is gone already.
  }
});

test('a service the quota refuses: Failed, over the quota, with what it needs', async ({
  page,
}) => {
  test.setTimeout(90_000);
  const name = `${PREFIX}quota-${run}`;
  // The profile's quota allows no further pod (as when an admin lowers it
  // under a stopped service): the ReplicaSet's pod is refused at admission.
  kubectl(
    'create',
    'resourcequota',
    `${name}-pods`,
    '-n',
    namespace,
    '--hard=pods=0',
  );
  kubectl(
    'label',
    'resourcequota',
    `${name}-pods`,
    '-n',
    namespace,
    QUOTA_LABEL,
  );
  // Until the quota controller counted it, admission says "status unknown".
  await expect
    .poll(
      () =>
        kubectl(
          'get',
          'resourcequota',
          `${name}-pods`,
          '-n',
          namespace,
          '-o',
          'jsonpath={.status.hard.pods}',
        ),
      { timeout: 30_000 },
    )
    .toBe('0');
  installHello(name);

  const row = await serviceRow(page, name);
  await expect(row).toContainText(
    `over the quota of ${profile}: needs 1 pod, 0 pods free of 0`,
    { timeout: 60_000 },
  );
  await expect(row.getByText('Failed', { exact: true })).toBeVisible();
  await expect(row).toContainText('0/1');
  await page.screenshot({
    path: resolve(__dirname, '../output/service-state-quota.png'),
  });
  kubectl('delete', 'resourcequota', `${name}-pods`, '-n', namespace);
  helm('uninstall', name, '-n', namespace, '--wait=false');
});

test('a service whose image cannot be pulled: Failed, with the image', async ({
  page,
}) => {
  test.setTimeout(90_000);
  const name = `${PREFIX}pull-${run}`;
  const tag = `no-such-tag-${run}`;
  installHello(name, `image.tag=${tag}`);

  const row = await serviceRow(page, name);
  // The kubelet on the real node asked the cluster's registry for it.
  await expect(row).toContainText(
    `image registry.knot.internal/knot/hello:${tag} cannot be pulled`,
    { timeout: 60_000 },
  );
  await expect(row).toContainText(
    /cannot be pulled: (not found|pull keeps failing)/,
  );
  await expect(row.getByText('Failed', { exact: true })).toBeVisible();
  await page.screenshot({
    path: resolve(__dirname, '../output/service-state-image.png'),
  });
  helm('uninstall', name, '-n', namespace, '--wait=false');
});

test('a service whose program keeps crashing: Failed, exit code and last lines', async ({
  page,
}) => {
  test.setTimeout(90_000);
  const name = `${PREFIX}crash-${run}`;
  installHello(name, 'replicas=0');
  // Its program prints why and exits 3, as a service with a broken
  // configuration does.
  kubectl(
    'patch',
    'deployment',
    name,
    '-n',
    namespace,
    '--type=json',
    '-p',
    JSON.stringify([
      { op: 'replace', path: '/spec/replicas', value: 1 },
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
          `echo starting ${run}; echo "no database at db:5432"; exit 3`,
        ],
      },
      {
        op: 'remove',
        path: '/spec/template/spec/containers/0/readinessProbe',
      },
    ]),
  );

  const row = await serviceRow(page, name);
  await expect(row).toContainText(
    `keeps crashing: exit code 3 (container hello-kubernetes); last output: starting ${run} | no database at db:5432`,
    { timeout: 75_000 },
  );
  await expect(row.getByText('Failed', { exact: true })).toBeVisible();
  await page.screenshot({
    path: resolve(__dirname, '../output/service-state-crash.png'),
  });
  helm('uninstall', name, '-n', namespace, '--wait=false');
});

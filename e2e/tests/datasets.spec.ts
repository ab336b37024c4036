import { execFileSync } from 'node:child_process';
import {
  deployHello,
  expect,
  sidebarLink,
  signInAsGuest,
  test,
} from '../fixtures';

// The guest user's profile namespace, as provisioning would create it.
const namespace = 'knot-guest';
// The real S3 server the test command started (scripts/s3.sh).
const s3 = {
  endpoint: process.env.KNOT_TEST_S3_ENDPOINT ?? '',
  accessKey: process.env.KNOT_TEST_S3_ACCESS_KEY ?? '',
  secretKey: process.env.KNOT_TEST_S3_SECRET_KEY ?? '',
};

function kubectl(...args: string[]): string {
  return execFileSync('kubectl', args, { encoding: 'utf8' });
}

/** A signed S3 request (curl's SigV4) to the test server; its HTTP status. */
function s3Request(method: string, path: string, body?: string): string {
  return execFileSync(
    'curl',
    [
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '--aws-sigv4',
      'aws:amz:us-east-1:s3',
      '--user',
      `${s3.accessKey}:${s3.secretKey}`,
      // curl signs no body hash of --data-binary: say so.
      '-H',
      'x-amz-content-sha256: UNSIGNED-PAYLOAD',
      '-X',
      method,
      ...(body === undefined ? [] : ['--data-binary', body]),
      `${s3.endpoint}${path}`,
    ],
    { encoding: 'utf8' },
  );
}

/**
 * The volume Datashim's operator would make for a Dataset (its PVC has the
 * Dataset's name): Datashim's operator is not built here, so the test makes
 * it; the portal, the API and the webhook are the real ones.
 */
function datashimVolume(name: string) {
  const manifest = {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: `e2e-dataset-${name}` },
        spec: {
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteMany'],
          hostPath: { path: `/tmp/e2e-dataset-${name}` },
          claimRef: { namespace, name },
          storageClassName: '',
        },
      },
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name, namespace },
        spec: {
          accessModes: ['ReadWriteMany'],
          resources: { requests: { storage: '1Gi' } },
          storageClassName: '',
          volumeName: `e2e-dataset-${name}`,
        },
      },
    ],
  };
  execFileSync('kubectl', ['apply', '-f', '-'], {
    input: JSON.stringify(manifest),
  });
}

test.skip(!s3.endpoint, 'no test S3 server (KNOT_TEST_S3_ENDPOINT)');

test('create an S3 dataset, test it, save it, find it in a deployed service, delete it', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const run = Date.now().toString(36).slice(-6);
  const name = `e2e${run}`;
  const bucket = `e2e-bucket-${run}`;
  const release = `ds${run}`;
  try {
    kubectl('get', 'namespace', namespace);
  } catch {
    kubectl('create', 'namespace', namespace);
  }
  kubectl('label', '--overwrite', 'namespace', namespace, 'knot=enabled');
  expect(s3Request('PUT', `/${bucket}`)).toBe('200');
  expect(s3Request('PUT', `/${bucket}/hello.txt`, 'hello')).toBe('200');

  try {
    await signInAsGuest(page, '/knot');
    await sidebarLink(page, 'Datasets').click();
    await page.getByRole('button', { name: 'New dataset' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
    await dialog
      .getByRole('textbox', { name: 'Endpoint', exact: true })
      .fill(s3.endpoint);
    await dialog
      .getByRole('textbox', { name: 'Bucket', exact: true })
      .fill(bucket);
    await dialog
      .getByRole('textbox', { name: 'Access key', exact: true })
      .fill(s3.accessKey);
    await dialog.getByLabel('Secret key').fill('not-the-secret');
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await expect(dialog.getByText(/^Access denied/)).toBeVisible();
    await dialog.getByLabel('Secret key').fill(s3.secretKey);
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await expect(dialog.getByRole('status')).toHaveText(
      `Connected: ${bucket} holds 1 object`,
    );
    await dialog.getByRole('button', { name: 'Save' }).click();
    const row = page.getByRole('row').filter({ hasText: name });
    await expect(row.getByText(`/mnt/datasets/${name}`)).toBeVisible();
    // The secret never comes back to the browser.
    expect(await page.content()).not.toContain(s3.secretKey);
    datashimVolume(name);

    // A service deployed now finds the dataset in its containers.
    await deployHello(page, { name: release, profile: 'guest' });
    const mounts = () =>
      kubectl(
        'get',
        'pods',
        '-n',
        namespace,
        '-l',
        `app.kubernetes.io/instance=${release}`,
        '-o',
        'jsonpath={.items[*].spec.containers[0].volumeMounts[*].mountPath}',
      );
    await expect
      .poll(mounts, { timeout: 60_000 })
      .toContain(`/mnt/datasets/${name}`);

    // Delete: the page names the service that mounts it; then it is gone.
    await page.goto('/knot/datasets');
    await row.getByRole('button', { name: `Delete ${name}` }).click();
    await expect(
      page.getByText(`${release} use this dataset`, { exact: false }),
    ).toBeVisible();
    await page.getByRole('button', { name: 'Confirm delete' }).click();
    await expect(row).toHaveCount(0);
    expect(
      kubectl('get', 'datasets.datashim.io', '-n', namespace, '-o', 'name'),
    ).not.toContain(name);
  } finally {
    try {
      execFileSync('helm', ['uninstall', '-n', namespace, release], {
        stdio: 'ignore',
      });
    } catch {
      // not deployed
    }
    for (const args of [
      ['delete', 'pvc', name, '-n', namespace, '--ignore-not-found'],
      ['delete', 'pv', `e2e-dataset-${name}`, '--ignore-not-found'],
    ]) {
      try {
        kubectl(...args, '--wait=false');
      } catch {
        // best effort
      }
    }
    s3Request('DELETE', `/${bucket}/hello.txt`);
    s3Request('DELETE', `/${bucket}`);
  }
});

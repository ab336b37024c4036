import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import {
  deployHello,
  expect,
  INGRESS,
  serviceUrl,
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

/** Whether this machine has s3fs (FUSE), the mounter Datashim's CSI-S3 uses. */
function hasS3fs(): boolean {
  try {
    execFileSync('s3fs', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The claim Datashim's operator would make for a Dataset (its name) and the
 * volume its CSI-S3 driver would give it. Neither runs here (their source is
 * not on the Go module proxy, and the project commits none fetched from
 * elsewhere), so the test makes both, backing the volume the way CSI-S3
 * does when the real node runs: the bucket mounted with s3fs (the FUSE
 * mounter CSI-S3 uses) on the node, read-only. The portal, the API and the
 * webhook are the real ones. Returns whether the bucket is mounted and the
 * clean-up.
 */
function datashimVolume(name: string, bucket: string) {
  const dir = `/tmp/e2e-dataset-${name}`;
  const pv = `e2e-dataset-${name}`;
  mkdirSync(dir, { recursive: true });
  let unmount = () => rmSync(dir, { recursive: true, force: true });
  const mounted = Boolean(INGRESS && hasS3fs());
  if (mounted) {
    const passwd = `${dir}.passwd`;
    writeFileSync(passwd, `${s3.accessKey}:${s3.secretKey}\n`, {
      mode: 0o600,
    });
    execFileSync('s3fs', [
      bucket,
      dir,
      '-o',
      `passwd_file=${passwd},url=${s3.endpoint},use_path_request_style,ro,allow_other`,
    ]);
    unmount = () => {
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
      } catch {
        // not mounted any more
      }
      rmSync(passwd, { force: true });
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const manifest = {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: pv },
        spec: {
          capacity: { storage: '5Gi' },
          accessModes: ['ReadWriteMany'],
          hostPath: { path: dir },
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
          resources: { requests: { storage: '5Gi' } },
          storageClassName: '',
          volumeName: pv,
        },
      },
    ],
  };
  execFileSync('kubectl', ['apply', '-f', '-'], {
    input: JSON.stringify(manifest),
  });
  return { mounted, unmount };
}

/** The pod the webhook would admit in the namespace (server-side dry run). */
function admittedPod(labels: Record<string, string>): any {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'dataset-probe', namespace, labels },
    spec: {
      containers: [
        { name: 'probe', image: 'registry.knot.internal/knot/busybox:1.35.0' },
      ],
    },
  };
  return JSON.parse(
    execFileSync(
      'kubectl',
      ['create', '--dry-run=server', '-o', 'json', '-f', '-'],
      { input: JSON.stringify(pod), encoding: 'utf8' },
    ),
  );
}

const datasetMounts = (pod: any): string[] =>
  (pod.spec.containers[0].volumeMounts ?? [])
    .map((m: any) => m.mountPath)
    .filter((p: string) => p.startsWith('/mnt/datasets/'));

test.skip(!s3.endpoint, 'no test S3 server (KNOT_TEST_S3_ENDPOINT)');

test('create an S3 dataset, test it, save it, find it in a deployed service, delete it', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const run = Date.now().toString(36).slice(-6);
  const name = `e2e${run}`;
  const bucket = `e2e-bucket-${run}`;
  const release = `ds${run}`;
  let unmount = () => {};
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
    const volume = datashimVolume(name, bucket);
    unmount = volume.unmount;
    // Every container of the profile gets it, unless its pod opts out. The
    // webhook renews its list of Datasets every half of datasetCacheMs (5 s
    // by default), so a pod admitted within that time may not have it yet.
    await expect
      .poll(() => datasetMounts(admittedPod({})), { timeout: 15_000 })
      .toContain(`/mnt/datasets/${name}`);
    expect(datasetMounts(admittedPod({ 'knot-no-datasets': 'true' }))).toEqual(
      [],
    );

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
    if (volume.mounted) {
      // Inside the running container, through the ingress: the bucket's
      // object is a file in /mnt/datasets/<name>.
      const url = serviceUrl(release, 'guest');
      await page.goto(url);
      await expect(page).toHaveURL(url, { timeout: 60_000 });
      const listing = page.locator(
        `table[data-folder="/mnt/datasets/${name}"]`,
      );
      await expect(async () => {
        await page.reload();
        await expect(listing).toContainText('hello.txt', { timeout: 2_000 });
      }).toPass({ timeout: 180_000 });
    }

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
      // A Dataset left behind would be injected into every later pod of the
      // guest profile, whose claim is gone: all the later specs would fail.
      ...['datashim.io', 'com.ie.ibm.hpsys'].map(group => [
        'delete',
        `datasets.${group}`,
        name,
        '-n',
        namespace,
        '--ignore-not-found',
      ]),
      ['delete', 'pvc', name, '-n', namespace, '--ignore-not-found'],
      ['delete', 'pv', `e2e-dataset-${name}`, '--ignore-not-found'],
    ]) {
      try {
        kubectl(...args, '--wait=false');
      } catch {
        // best effort
      }
    }
    unmount();
    s3Request('DELETE', `/${bucket}/hello.txt`);
    s3Request('DELETE', `/${bucket}`);
  }
});

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import {
  approve,
  deployHello,
  expect,
  FIRST_ADMIN,
  INGRESS,
  openKnotLogin,
  serviceUrl,
  sidebarLink,
  signInAsGuest,
  signUp,
  test,
} from '../fixtures';

/**
 * What a user's service really sees, on the local cluster's real node behind
 * its ingress (Traefik, TLS from the local CA, forward-auth to the portal):
 * files uploaded in the portal inside the container, sign-in once, other
 * users refused, files written by a container in the portal, both ways.
 */

const profile = 'guest';
const namespace = `knot-${profile}`;
const id = Date.now().toString(36).slice(-6);
const release = `rn${id}`;
const uploaded = {
  name: `portal-${id}.txt`,
  body: `uploaded in the portal ${id}\n`,
};
const sharedFile = {
  name: `shared-${id}.txt`,
  body: `shared by the portal ${id}\n`,
};
// Bytes a container writes: all 256 byte values, so any re-encoding shows.
const written = {
  name: `container-${id}.bin`,
  body: Buffer.concat([Buffer.from([...Array(256).keys()]), randomBytes(4096)]),
};
const overwrite = `overwritten by the container ${id}\n`;

function kubectl(...args: string[]): string {
  return execFileSync('kubectl', args, { encoding: 'utf8' });
}

test.describe.configure({ mode: 'serial' });
test.skip(
  !INGRESS,
  'the cluster has no real node and ingress (KNOT_REAL_NODE=0)',
);

test.afterAll(() => {
  try {
    execFileSync('helm', ['uninstall', release, '-n', namespace], {
      stdio: 'ignore',
    });
    kubectl(
      'delete',
      'pod',
      `writer-${id}`,
      '-n',
      namespace,
      '--ignore-not-found',
      '--wait=false',
    );
  } catch {
    // nothing to clean up
  }
});

/** Uploads one file into the folder shown (Private or Shared tab). */
async function upload(page: Page, file: { name: string; body: string }) {
  await page.getByTestId('upload-input').setInputFiles({
    name: file.name,
    mimeType: 'text/plain',
    buffer: Buffer.from(file.body),
  });
  await expect(
    page
      .getByRole('table', { name: 'Files' })
      .getByRole('cell', { name: file.name, exact: true }),
  ).toBeVisible();
}

/** The bytes the Files page downloads for `name` in the folder shown. */
async function download(page: Page, name: string): Promise<Buffer> {
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: `Download ${name}` }).click();
  return readFileSync(await (await downloading).path());
}

test('a file uploaded in the portal is listed by the deployed service, opened through the ingress after one sign-in', async ({
  page,
}) => {
  test.setTimeout(420_000);
  await signInAsGuest(page, '/knot/files');
  await expect(
    page.getByRole('heading', { level: 1, name: 'Files' }),
  ).toBeVisible();
  await upload(page, uploaded);
  await page.getByRole('tab', { name: 'Shared' }).click();
  await expect(page.getByTestId('container-path')).toHaveText(
    'In containers: /shared',
  );
  await upload(page, sharedFile);

  // Deploy Hello Kubernetes from Create.
  const open = await deployHello(page, { name: release, profile });
  const url = serviceUrl(release, profile);
  await expect(open).toHaveAttribute('href', url);

  // Its pod really runs, on the real node.
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
          'jsonpath={range .items[*]}{.spec.nodeName} {.status.phase}{"\\n"}{end}',
        ).trim(),
      { timeout: 180_000, intervals: [2_000] },
    )
    .toBe('real-node Running');

  // Opening the link: forward-auth sends the browser to the portal's
  // sign-in page, which (already signed in) gives it the session on the
  // services' domain and sends it back. One sign-in in all.
  await page.goto(url);
  await expect(page).toHaveURL(url, { timeout: 60_000 });
  // The ingress routes as soon as the pod is ready; a 502/503 before that.
  await expect(async () => {
    await page.reload();
    await expect(page.locator('#user')).toHaveText(profile, { timeout: 2_000 });
  }).toPass({ timeout: 120_000 });
  await expect(page.locator('#node')).toHaveText('real-node');
  const privateTable = page.locator('table[data-folder="/private"]');
  await expect(privateTable).toContainText(uploaded.name);
  await expect(page.locator('table[data-folder="/shared"]')).toContainText(
    sharedFile.name,
  );
  await page.screenshot({
    path: resolve(__dirname, '../output/real-node-hello.png'),
    fullPage: true,
  });
});

test('without a session the service sends the browser to sign in, then back to the service', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const context = await browser.newContext();
  const page = await context.newPage();
  const url = serviceUrl(release, profile);
  await page.goto(`${url}?from=e2e`);
  const signIn = new URL(
    '/knot/services/sign-in',
    test.info().project.use.baseURL,
  );
  await expect(page).toHaveURL(
    new RegExp(`^${signIn.toString().replace(/[.?+]/g, '\\$&')}\\?rd=`),
  );
  expect(new URL(page.url()).searchParams.get('rd')).toBe(`${url}?from=e2e`);
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(page).toHaveURL(`${url}?from=e2e`, { timeout: 60_000 });
  await expect(page.locator('#user')).toHaveText(profile);
  await context.close();
});

test('another signed-in user gets 403 from the same URL', async ({
  page,
  signIn,
}) => {
  test.setTimeout(300_000);
  const other = `rn-${id}`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const login = await openKnotLogin(page);
  await signUp(login, other, password);
  await login.close();
  await approve(
    await signIn(FIRST_ADMIN.username, FIRST_ADMIN.password),
    other,
  );

  const otherPage = await signIn(other, password);
  const url = serviceUrl(release, profile);
  const statuses: number[] = [];
  otherPage.on('response', response => {
    if (response.url().startsWith(url)) statuses.push(response.status());
  });
  await otherPage.goto(url);
  // Through the sign-in page (signed in already: no second sign-in) and back.
  await expect(otherPage).toHaveURL(url, { timeout: 60_000 });
  await expect(
    otherPage.getByText('This service belongs to someone else'),
  ).toBeVisible();
  expect(statuses.at(-1)).toBe(403);
});

test('files a container writes are in the Files page with their exact bytes, and it may overwrite an upload', async ({
  page,
}) => {
  test.setTimeout(300_000);
  // A workload as the bundled images run: uid 1000, gid 100 (the data group).
  const pod = `writer-${id}`;
  const script = [
    `printf '%s' "$WRITTEN" | base64 -d > /private/${written.name}`,
    `printf '%s' "$WRITTEN" | base64 -d > /shared/${written.name}`,
    `printf '%s' "$OVERWRITE" > /private/${uploaded.name}`,
    'ls -ln /private /shared',
  ].join(' && ');
  const manifest = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: pod, namespace },
    spec: {
      restartPolicy: 'Never',
      securityContext: { runAsUser: 1000, runAsGroup: 100 },
      containers: [
        {
          name: 'writer',
          image: 'registry.knot.internal/knot/busybox:1.35.0',
          command: ['sh', '-c', script],
          env: [
            { name: 'WRITTEN', value: written.body.toString('base64') },
            { name: 'OVERWRITE', value: overwrite },
          ],
        },
      ],
    },
  };
  execFileSync('kubectl', ['apply', '-f', '-'], {
    input: JSON.stringify(manifest),
  });
  await expect
    .poll(
      () =>
        kubectl(
          'get',
          'pod',
          pod,
          '-n',
          namespace,
          '-o',
          'jsonpath={.status.phase}',
        ),
      {
        timeout: 120_000,
        intervals: [2_000],
      },
    )
    .toMatch(/Succeeded|Failed/);
  const log = kubectl('logs', pod, '-n', namespace);
  expect(
    kubectl(
      'get',
      'pod',
      pod,
      '-n',
      namespace,
      '-o',
      'jsonpath={.status.phase}',
    ),
    log,
  ).toBe('Succeeded');
  expect(
    kubectl(
      'get',
      'pod',
      pod,
      '-n',
      namespace,
      '-o',
      'jsonpath={.spec.nodeName}',
    ),
  ).toBe('real-node');

  await signInAsGuest(page, '/knot/files');
  const table = page.getByRole('table', { name: 'Files' });
  await expect(
    table.getByRole('cell', { name: written.name, exact: true }),
  ).toBeVisible();
  expect((await download(page, written.name)).equals(written.body)).toBe(true);
  // The upload, overwritten in place by the container.
  expect((await download(page, uploaded.name)).toString()).toBe(overwrite);
  await page.getByRole('tab', { name: 'Shared' }).click();
  await expect(
    table.getByRole('cell', { name: written.name, exact: true }),
  ).toBeVisible();
  expect((await download(page, written.name)).equals(written.body)).toBe(true);
  await page.screenshot({
    path: resolve(__dirname, '../output/real-node-files.png'),
    fullPage: true,
  });
});

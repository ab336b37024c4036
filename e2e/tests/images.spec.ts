import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { Page, Request } from '@playwright/test';
import {
  buildTestImage,
  writeDockerSaveArchive,
  writeOciLayoutArchive,
} from '../../packages/knot-test-utils/src/imageArchives';
import { INGRESS, expect, sidebarLink, signInAsGuest, test } from '../fixtures';

/**
 * Holds the browser's next image upload request until `release` (which
 * sends it on to the portal) or `drop`: Chromium's network emulation does
 * not slow request bodies, and a small archive is sent in an instant, so
 * the progress bar and the cancel button are seen while it is held.
 */
async function holdUpload(page: Page) {
  let release!: (send: boolean) => void;
  const decided = new Promise<boolean>(resolve => (release = resolve));
  const isUpload = (url: URL) => url.pathname.endsWith('/knot/images/upload');
  await page.route(
    isUpload,
    async route => {
      if (await decided) await route.continue();
      else await route.abort().catch(() => undefined);
    },
    { times: 1 },
  );
  return { release: () => release(true), drop: () => release(false) };
}

/** Fills in the Images page's upload dialog and clicks Upload: the dialog. */
async function submitUpload(
  page: Page,
  archive: string,
  name: string,
  tag: string,
) {
  await page.getByRole('button', { name: 'Upload image' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByTestId('image-file-input').setInputFiles(archive);
  await dialog.getByRole('textbox', { name: 'Image name' }).fill(name);
  await dialog.getByRole('textbox', { name: 'Tag' }).fill(tag);
  await dialog.getByRole('button', { name: 'Upload', exact: true }).click();
  return dialog;
}

/** Deletes `repository` from the Images page (the guest is an admin). */
async function deleteAsAdmin(page: Page, repository: string) {
  const row = page.getByRole('row').filter({ hasText: repository });
  await row
    .getByRole('button', { name: `Delete repository ${repository}` })
    .click();
  await page.getByRole('button', { name: 'Confirm delete' }).click();
  await expect(row).toHaveCount(0);
}

test('upload an exported image with progress, copy its reference, cancel an upload, delete it as admin', async ({
  page,
  context,
}) => {
  // A docker save archive of one 1 MiB layer, the same every run (same
  // blobs in the cluster's registry, which keeps blobs after deletes).
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'knot-e2e-image-'));
  const archive = path.join(dir, 'e2e-image.tar');
  await writeDockerSaveArchive(
    await buildTestImage(dir, { layerSizes: [1024 * 1024], seed: 'knot-e2e' }),
    archive,
  );
  const name = `e2e-${Date.now().toString(36)}`;
  // The guest is the development config's Knot admin; its area is guest/.
  const repository = `guest/${name}`;
  try {
    await signInAsGuest(page, '/knot');
    await sidebarLink(page, 'Images').click();

    const upload = async (tag: string) => {
      const dialog = await submitUpload(page, archive, name, tag);
      await expect(
        dialog.getByRole('progressbar', { name: 'Upload progress' }),
      ).toBeVisible();
      await expect(
        dialog.getByText(
          /^(\d+% of 1\.\d MiB|Checking and pushing to the registry…)$/,
        ),
      ).toBeVisible();
      return dialog;
    };

    // Upload: the progress bar shows, then the image is listed.
    const firstHeld = await holdUpload(page);
    const first = await upload('v1');
    firstHeld.release();
    await expect(first).toBeHidden({ timeout: 60_000 });
    const row = page.getByRole('row').filter({ hasText: repository });
    await expect(row).toContainText('v1');
    await expect(row).toContainText('linux/amd64');
    const reference = (await row.locator('code').last().textContent())!;
    expect(reference).toMatch(new RegExp(`/${repository}:v1$`));

    // Copy the reference.
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await row
      .getByRole('button', {
        name: `Copy the reference of ${repository}:v1`,
      })
      .click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      reference,
    );

    // Cancel an upload under way: nothing is listed for it.
    const secondHeld = await holdUpload(page);
    const second = await upload('v2');
    await second.getByRole('button', { name: 'Cancel upload' }).click();
    await expect(second.getByRole('alert')).toHaveText('Cancelled');
    secondHeld.drop();
    await second.getByRole('button', { name: 'Close' }).click();
    // A fresh listing (the filter asks the backend again): v1 only.
    const listed = page.waitForResponse(
      r => r.url().includes(`/knot/images?filter=${name}`) && r.ok(),
    );
    await page.getByRole('textbox', { name: 'Filter images' }).fill(name);
    await listed;
    await expect(row).toContainText('v1');
    await expect(page.getByRole('row').filter({ hasText: 'v2' })).toHaveCount(
      0,
    );

    await deleteAsAdmin(page, repository);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

/**
 * The Content-Length of each request Chromium sends, by URL, from its raw
 * headers: Playwright has no body of a file's slices, and while a
 * `page.route` is set it keeps no raw headers of any request.
 */
async function sentBodySizes(page: Page): Promise<Map<string, number>> {
  const cdp = await page.context().newCDPSession(page);
  const urls = new Map<string, string>();
  const sizes = new Map<string, number>();
  cdp.on('Network.requestWillBeSent', e =>
    urls.set(e.requestId, e.request.url),
  );
  cdp.on('Network.requestWillBeSentExtraInfo', e => {
    const url = urls.get(e.requestId);
    const length = Object.entries(e.headers).find(
      ([header]) => header.toLowerCase() === 'content-length',
    )?.[1];
    if (url && length !== undefined) sizes.set(url, Number(length));
  });
  await cdp.send('Network.enable');
  return sizes;
}

const sha256 = (bytes: Buffer) =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

test("an OCI layout's large layer goes from the browser to the registry through /v2/ of the portal's origin, which refuses what the grant does not allow", async ({
  page,
}) => {
  // scripts/start routes /v2/ of the portal's origin through the cluster's
  // Traefik (forwardAuth to the backend's push-auth) to its registry, and
  // sets knot.images.registry.browserPushUrl, with the real node's ingress
  // and registry and the frontend's bundle (not the dev server).
  const registry = process.env.KNOT_IMAGE_REGISTRY_ADDRESS;
  test.skip(
    !INGRESS || !registry || process.env.KNOT_APP_BUNDLE === '0',
    'browser pushes need the real node (ingress, registry) and the bundle',
  );
  // A 3 MiB layer (above BROWSER_PUSH_MIN_BYTES: the browser pushes it),
  // random every run so that the registry, which keeps blobs after
  // deletes, lacks it; and a 16 KiB one, which goes to the portal.
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'knot-e2e-layout-'));
  const archive = path.join(dir, 'e2e-layout.tar');
  const image = await buildTestImage(dir, {
    layerSizes: [3 * 1024 * 1024, 16 * 1024],
  });
  await writeOciLayoutArchive(image, archive);
  const archiveBytes = (await fs.stat(archive)).size;
  const [large, small] = image.layers;
  expect(small.size).toBeLessThan(1024 * 1024);
  const name = `e2e-push-${Date.now().toString(36)}`;
  const repository = `guest/${name}`;
  try {
    const sizes = await sentBodySizes(page);
    const registryRequests: Request[] = [];
    page.on('request', r => {
      if (new URL(r.url()).pathname.startsWith('/v2/')) {
        registryRequests.push(r);
      }
    });
    await signInAsGuest(page, '/knot');
    const origin = new URL(page.url()).origin;
    await sidebarLink(page, 'Images').click();

    // Upload, the portal's part held: by then the browser has pushed.
    const held = await holdUpload(page);
    const granted = page.waitForResponse(
      r => r.url().endsWith('/api/knot/images/pushes') && r.ok(),
    );
    const portalUpload = page.waitForRequest(r =>
      new URL(r.url()).pathname.endsWith('/knot/images/upload'),
    );
    const dialog = await submitUpload(page, archive, name, 'v1');
    const grant = await (await granted).json();
    expect(grant.url).toBe(origin);
    expect(grant.missing).toEqual([large.digest]);
    const upload = await portalUpload;
    expect(new URL(upload.url()).searchParams.get('pushed')).toBe('browser');

    // The large layer went to /v2/ of the portal's origin: an upload
    // session (POST), then its bytes in one PUT with its digest.
    const uploads = `/v2/${repository}/blobs/uploads/`;
    const started = registryRequests.filter(r => r.method() === 'POST');
    expect(started.map(r => r.url())).toEqual([`${origin}${uploads}`]);
    expect((await started[0].response())?.status()).toBe(202);
    const puts = registryRequests.filter(r => r.method() === 'PUT');
    expect(puts).toHaveLength(1);
    const put = new URL(puts[0].url());
    expect(put.origin).toBe(origin);
    expect(put.pathname.startsWith(uploads)).toBe(true);
    expect(put.searchParams.get('digest')).toBe(large.digest);
    expect((await puts[0].response())?.status()).toBe(201);
    expect(sizes.get(puts[0].url())).toBe(large.size);
    expect(registryRequests).toHaveLength(2);

    // The progress bar counts the pushed bytes while the portal's part waits.
    await expect(
      dialog.getByRole('progressbar', { name: 'Upload progress' }),
    ).toBeVisible();
    const percent = dialog.getByText(/^\d+% of 3\.\d MiB$/);
    await expect(percent).toBeVisible();
    expect(parseInt((await percent.textContent())!, 10)).toBeGreaterThan(90);

    held.release();
    await expect(dialog).toBeHidden({ timeout: 60_000 });
    const row = page.getByRole('row').filter({ hasText: repository });
    await expect(row).toContainText('v1');
    // The portal got the archive without the large layer.
    const portalBytes = sizes.get(upload.url());
    expect(portalBytes).toBeGreaterThan(0);
    expect(portalBytes).toBeLessThanOrEqual(archiveBytes - large.size);

    // The registry holds the pushed layer, byte for byte, in the image.
    const blob = await fetch(
      `http://${registry}/v2/${repository}/blobs/${large.digest}`,
    );
    expect(blob.status).toBe(200);
    const bytes = Buffer.from(await blob.arrayBuffer());
    expect(bytes.length).toBe(large.size);
    expect(sha256(bytes)).toBe(large.digest);
    const manifest = await fetch(
      `http://${registry}/v2/${repository}/manifests/v1`,
      { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } },
    );
    expect(
      (await manifest.json()).layers.map(
        (l: { digest: string; size: number }) => [l.digest, l.size],
      ),
    ).toEqual([
      [large.digest, large.size],
      [small.digest, small.size],
    ]);

    // The route lets through only the uploads of a grant: with the user's
    // token and this upload's grant, another repository's upload and this
    // repository's manifest are refused (403); without a grant or a token
    // too (401). The registry itself, without credentials, would take all.
    const token = puts[0].headers().authorization;
    expect(token).toMatch(/^Bearer /);
    const refused = await page.evaluate(
      async ({ other, own, token: bearer, grant: given }) => {
        const send = async (
          method: string,
          url: string,
          headers: Record<string, string>,
        ) => (await fetch(url, { method, headers })).status;
        const both = { Authorization: bearer, 'X-Knot-Push-Grant': given };
        return {
          otherRepository: await send(
            'POST',
            `/v2/${other}/blobs/uploads/`,
            both,
          ),
          manifest: await send('PUT', `/v2/${own}/manifests/v2`, both),
          noGrant: await send('POST', `/v2/${other}/blobs/uploads/`, {
            Authorization: bearer,
          }),
          noToken: await send('POST', `/v2/${own}/blobs/uploads/`, {
            'X-Knot-Push-Grant': given,
          }),
        };
      },
      {
        other: `guest/${name}-other`,
        own: repository,
        token,
        grant: grant.grant,
      },
    );
    expect(refused).toEqual({
      otherRepository: 403,
      manifest: 403,
      noGrant: 401,
      noToken: 401,
    });

    await deleteAsAdmin(page, repository);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

/**
 * The CORS headers the ingress answers a preflight of `path` from `origin`
 * with (Node, not the browser: a page cannot choose its Origin).
 */
function preflight(
  path: string,
  origin: string,
): Promise<{ status: number; allowOrigin?: string; allowHeaders?: string }> {
  const { domain, port } = INGRESS!;
  return new Promise((resolve, reject) => {
    https
      .request(
        {
          host: '127.0.0.1',
          port,
          servername: domain,
          ca: readFileSync(process.env.KNOT_INGRESS_CA!),
          method: 'OPTIONS',
          path,
          headers: {
            Host: `${domain}:${port}`,
            Origin: origin,
            'Access-Control-Request-Method': 'PUT',
            'Access-Control-Request-Headers':
              'authorization,content-type,x-knot-push-grant',
          },
        },
        res => {
          res.resume();
          resolve({
            status: res.statusCode!,
            allowOrigin: res.headers['access-control-allow-origin'] as string,
            allowHeaders: res.headers['access-control-allow-headers'] as string,
          });
        },
      )
      .on('error', reject)
      .end();
  });
}

test("from another origin than the ingress's (the dev server's), a large layer goes to /v2/ of the backend's ingress URL, whose CORS answers the portal's origin only", async ({
  page,
}) => {
  // With the dev server (KNOT_APP_BUNDLE=0) scripts/start sets the backend's
  // ingress URL as knot.images.registry.browserPushUrl: the page's origin
  // has no /v2/. With the bundle the grant names the portal's origin; it is
  // replaced here by the backend's ingress URL, so either way the browser
  // pushes across origins, as with the dev server.
  const registry = process.env.KNOT_IMAGE_REGISTRY_ADDRESS;
  test.skip(
    !INGRESS || !registry,
    'browser pushes need the real node (ingress, registry)',
  );
  const ingressOrigin = `https://${INGRESS!.domain}:${INGRESS!.port}`;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'knot-e2e-cors-'));
  const archive = path.join(dir, 'e2e-cors.tar');
  const image = await buildTestImage(dir, {
    layerSizes: [2 * 1024 * 1024, 16 * 1024],
  });
  await writeOciLayoutArchive(image, archive);
  const [large] = image.layers;
  const name = `e2e-cors-${Date.now().toString(36)}`;
  const repository = `guest/${name}`;
  try {
    const registryRequests: Request[] = [];
    page.on('request', r => {
      if (new URL(r.url()).pathname.startsWith('/v2/')) {
        registryRequests.push(r);
      }
    });
    // The grant's URL, rewritten in the page (the test's Node has no DNS
    // for the domain to fetch it itself).
    await page.addInitScript(to => {
      const original = window.fetch;
      window.fetch = async (input, init) => {
        const res = await original(input, init);
        const url = input instanceof Request ? input.url : String(input);
        if (
          !res.ok ||
          !new URL(url, location.href).pathname.endsWith(
            '/api/knot/images/pushes',
          )
        ) {
          return res;
        }
        const grant = await res.json();
        return new Response(JSON.stringify({ ...grant, url: to }), {
          status: res.status,
          headers: res.headers,
        });
      };
    }, ingressOrigin);
    await signInAsGuest(page, '/knot');
    const origin = new URL(page.url()).origin;
    expect(origin).not.toBe(ingressOrigin);
    await sidebarLink(page, 'Images').click();
    const dialog = await submitUpload(page, archive, name, 'v1');
    await expect(dialog).toBeHidden({ timeout: 60_000 });
    await expect(
      page.getByRole('row').filter({ hasText: repository }),
    ).toContainText('v1');

    // The browser pushed the large layer to the ingress's origin: an upload
    // session, then its bytes, past the preflights (which Chromium answers
    // from the ingress's CORS headers, and which no request event shows).
    const uploads = `${ingressOrigin}/v2/${repository}/blobs/uploads/`;
    expect(
      await Promise.all(
        registryRequests.map(async r => [
          r.method(),
          r.url().startsWith(uploads),
          (await r.response())?.status(),
        ]),
      ),
    ).toEqual([
      ['POST', true, 202],
      ['PUT', true, 201],
    ]);
    const blob = await fetch(
      `http://${registry}/v2/${repository}/blobs/${large.digest}`,
    );
    expect(sha256(Buffer.from(await blob.arrayBuffer()))).toBe(large.digest);

    // push-auth's refusal reaches the page with its words (the CORS headers
    // are on every answer of the route, not only on the registry's).
    const token = await registryRequests[0].headerValue('authorization');
    const refused = await page.evaluate(
      async ({ url, bearer }) => {
        const res = await fetch(url, {
          method: 'POST',
          headers: { Authorization: bearer!, 'X-Knot-Push-Grant': 'v2.x.y' },
        });
        return { status: res.status, text: await res.text() };
      },
      { url: uploads, bearer: token },
    );
    expect(refused).toEqual({
      status: 401,
      text: 'No valid push grant of yours: start the upload again',
    });

    // The preflight: answered for the portal's origin, for no other.
    const ours = await preflight(`/v2/${repository}/blobs/uploads/`, origin);
    expect(ours.status).toBe(200);
    expect(ours.allowOrigin).toBe(origin);
    expect(ours.allowHeaders?.toLowerCase()).toContain('x-knot-push-grant');
    const theirs = await preflight(
      `/v2/${repository}/blobs/uploads/`,
      `https://evil-${INGRESS!.domain}`,
    );
    expect(theirs.allowOrigin).toBeUndefined();

    await deleteAsAdmin(page, repository);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import {
  buildTestImage,
  writeDockerSaveArchive,
} from '../../packages/knot-test-utils/src/imageArchives';
import { expect, sidebarLink, signInAsGuest, test } from '../fixtures';

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
      await page.getByRole('button', { name: 'Upload image' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByTestId('image-file-input').setInputFiles(archive);
      await dialog.getByRole('textbox', { name: 'Image name' }).fill(name);
      await dialog.getByRole('textbox', { name: 'Tag' }).fill(tag);
      await dialog.getByRole('button', { name: 'Upload', exact: true }).click();
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

    // As admin: delete the repository.
    await row
      .getByRole('button', { name: `Delete repository ${repository}` })
      .click();
    await page.getByRole('button', { name: 'Confirm delete' }).click();
    await expect(row).toHaveCount(0);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

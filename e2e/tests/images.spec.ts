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
 * Slows the browser's uploads (Chromium's network emulation), so that the
 * progress bar of a small archive can be seen and the upload cancelled.
 */
async function throttleUploads(page: Page, bytesPerSecond: number) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSecond,
  });
  return () =>
    cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
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
      await expect(dialog.getByText(/^\d+% of 1\.\d MiB$/)).toBeVisible();
      await expect(
        dialog.getByRole('progressbar', { name: 'Upload progress' }),
      ).toBeVisible();
      return dialog;
    };

    // Upload at 512 KiB/s: the progress bar shows, then the image is listed.
    const unthrottle = await throttleUploads(page, 512 * 1024);
    const first = await upload('v1');
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

    // Cancel an upload: nothing is listed for it.
    const second = await upload('v2');
    await second.getByRole('button', { name: 'Cancel upload' }).click();
    await expect(second.getByRole('alert')).toHaveText('Cancelled');
    await second.getByRole('button', { name: 'Close' }).click();
    await unthrottle();
    await page.reload();
    await expect(row).toContainText('v1');
    await expect(
      page.getByRole('row').filter({ hasText: `${repository}` }),
    ).toHaveCount(1);

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

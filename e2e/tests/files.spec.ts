import { expect, sidebarLink, signInAsGuest, test } from '../fixtures';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

test('files: upload with progress, list, download, rename, delete', async ({
  page,
}) => {
  const name = `e2e-${Date.now()}.bin`;
  const renamed = `renamed-${name}`;
  const content = randomBytes(8 * 1024 * 1024);

  await signInAsGuest(page, '/catalog');
  await sidebarLink(page, 'Files').click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'Files' }),
  ).toBeVisible();
  await expect(page.getByTestId('container-path')).toHaveText(
    'In containers: /private',
  );

  // Upload: the file's progress bar shows, then completes.
  await page.getByTestId('upload-input').setInputFiles({
    name,
    mimeType: 'application/octet-stream',
    buffer: content,
  });
  const progress = page.getByRole('progressbar', { name: `Upload of ${name}` });
  await expect(progress).toBeVisible();
  await expect(progress).toHaveAttribute('aria-valuenow', '100');
  await expect(page.getByText('Uploaded (8.0 MiB)')).toBeVisible();

  // Listed in the table.
  const table = page.getByRole('table', { name: 'Files' });
  await expect(table.getByRole('cell', { name, exact: true })).toBeVisible();
  await expect(table.getByRole('cell', { name: '8.0 MiB' })).toBeVisible();

  // Downloaded bytes are the uploaded bytes.
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: `Download ${name}` }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(name);
  const saved = await download.path();
  expect(readFileSync(saved).equals(content)).toBe(true);

  // Rename.
  await page.getByRole('button', { name: `Rename ${name}` }).click();
  const renameDialog = page.getByRole('dialog');
  await renameDialog.getByLabel('Name').fill(renamed);
  await renameDialog.getByRole('button', { name: 'Rename' }).click();
  await expect(
    table.getByRole('cell', { name: renamed, exact: true }),
  ).toBeVisible();
  await expect(table.getByRole('cell', { name, exact: true })).toHaveCount(0);

  await page.screenshot({
    path: resolve(__dirname, '../output/files-page.png'),
    fullPage: true,
  });

  // Delete, after confirmation.
  await page.getByRole('button', { name: `Delete ${renamed}` }).click();
  const confirm = page.getByRole('dialog');
  await expect(
    confirm.getByText('cannot be undone', { exact: false }),
  ).toBeVisible();
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect(
    table.getByRole('cell', { name: renamed, exact: true }),
  ).toHaveCount(0);
});

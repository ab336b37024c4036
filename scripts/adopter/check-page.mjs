// The adopter's app in Debian's Chromium (launched as e2e/playwright.config.ts
// does): sign in as guest, find Knot in the sidebar, and see the Knot page
// show what the Knot backend's /health answered.
//
//   node check-page.mjs <base url> <output dir> <expected Knot version>
//
// Prints `ok - <name>` or `not ok - <name>: <reason>` per check; exit 1 on
// any failure. Screenshots go to <output dir>.
import { chromium } from 'playwright-core';
import { join } from 'node:path';

const [baseUrl, outDir, version] = process.argv.slice(2);
const TIMEOUT = 60_000;

const browser = await chromium.launch({
  executablePath: process.env.KNOT_CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
const page = await browser.newPage();
page.setDefaultTimeout(TIMEOUT);
const pageErrors = [];
page.on('pageerror', e => pageErrors.push(e.message));

let failed = 0;
async function check(name, body) {
  try {
    await body();
    console.log(`ok - ${name}`);
  } catch (error) {
    failed++;
    const reason = String(error.message ?? error).split('\n')[0];
    console.log(`not ok - ${name}: ${reason}`);
    if (pageErrors.length > 0)
      console.log(`  page errors: ${pageErrors.join(' | ')}`);
    await page
      .screenshot({
        path: join(outDir, `failed-${name.replace(/\W+/g, '-')}.png`),
        fullPage: true,
      })
      .catch(() => {});
  }
}

await check('guest sign-in shows Knot in the sidebar', async () => {
  await page.goto(baseUrl);
  // The template's development sign-in page: the guest provider.
  await page.getByRole('button', { name: 'Enter' }).click();
  await page
    .getByRole('navigation')
    .getByRole('link', { name: 'Knot', exact: true })
    .first()
    .click();
  await page.waitForURL(/\/knot$/);
});

await check('the Knot page shows the backend health', async () => {
  if (!page.url().endsWith('/knot')) await page.goto(`${baseUrl}/knot`);
  await page.getByText('Platform status').waitFor();
  // The frontend reached /api/knot/health through the app's discovery and
  // fetch APIs; without a cluster Knot reports it unreachable and answers.
  await page.getByText(version, { exact: true }).waitFor();
  await page.getByText(/^unreachable: /).waitFor();
  await page.screenshot({
    path: join(outDir, 'knot-page.png'),
    fullPage: true,
  });
});

await browser.close();
process.exit(failed > 0 ? 1 : 0);

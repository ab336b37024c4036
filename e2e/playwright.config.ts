import { defineConfig } from '@playwright/test';
import { resolve } from 'node:path';
import { ingressChromiumArgs } from './fixtures/ingress';

/**
 * End-to-end tests in Debian's headless Chromium (no browser downloads here)
 * against a portal that scripts/test starts (KNOT_E2E_URL): behind the local
 * cluster's ingress at https://<domain>:<port> when the cluster has the real
 * node, else on http://localhost:3000.
 */
export default defineConfig({
  testDir: './tests',
  outputDir: resolve(__dirname, 'output/results'),
  timeout: 120_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  // One retry in CI (Playwright's own advice), so one unlucky moment on a
  // shared 2-core machine does not fail a run; scripts/test prints every
  // test that needed it, with its first error, and counts it as flaky.
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: process.env.KNOT_E2E_URL ?? 'http://localhost:3000',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.KNOT_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        ...ingressChromiumArgs(),
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, signInAsGuest, test } from '../fixtures';

/**
 * The integrations the e2e portal runs with: scripts/test hands this file
 * to the portal (KNOT_EXTRA_CONFIG); JSON is YAML, so both read it.
 */
const configured: Record<string, { url: string }> = JSON.parse(
  readFileSync(resolve(__dirname, '../app-config.integrations.json'), 'utf8'),
).knot.integrations;
const titles: Record<string, string> = {
  jupyterhub: 'JupyterHub',
  argoWorkflows: 'Argo Workflows',
  harbor: 'Harbor',
  grafana: 'Grafana',
};

// The guest user's profile namespace, as provisioning would create it.
const namespace = 'knot-guest';
const release = `home${Date.now().toString(36).slice(-6)}`;

function run(command: string, ...args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8' });
}

test.beforeAll(() => {
  try {
    run('kubectl', 'get', 'namespace', namespace);
  } catch {
    run('kubectl', 'create', 'namespace', namespace);
  }
  run(
    'kubectl',
    'label',
    '--overwrite',
    'namespace',
    namespace,
    'knot=enabled',
  );
  // A service of the profile, installed straight with helm (no Create form:
  // this test is about the home page, services.spec.ts about deploying).
  run(
    'helm',
    'install',
    release,
    resolve(__dirname, '../../charts/hello-kubernetes'),
    '-n',
    namespace,
  );
});

test.afterAll(() => {
  run('helm', 'uninstall', release, '-n', namespace);
});

test('the home page lists exactly the configured integrations and the acting profile’s services', async ({
  page,
}) => {
  // Under 30 s on a warm portal; the first page of a cold dev server is slower.
  test.setTimeout(90_000);
  await signInAsGuest(page, '/knot');

  // One tile per configured integration, each opening it in a new tab.
  const tiles = page.getByRole('list', { name: 'Integrations' });
  await expect(tiles.getByRole('listitem')).toHaveCount(
    Object.keys(configured).length,
  );
  for (const [name, { url }] of Object.entries(configured)) {
    const open = tiles.getByRole('link', {
      name: new RegExp(`^Open ${titles[name]}`),
    });
    await expect(open).toHaveAttribute('href', url);
    await expect(open).toHaveAttribute('target', '_blank');
    // ... and one sidebar entry.
    const entry = page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: titles[name] });
    await expect(entry).toHaveAttribute('href', url);
  }

  // The services are the profile's helm releases, whatever other specs left.
  const releases: Array<{ name: string }> = JSON.parse(
    run('helm', 'list', '-n', namespace, '-o', 'json'),
  );
  expect(releases.map(r => r.name)).toContain(release);
  await expect(page.getByText('Services of guest')).toBeVisible();
  const services = page.getByRole('list', { name: 'Services' });
  await expect(services.getByRole('listitem')).toHaveCount(releases.length);
  for (const { name } of releases) {
    await expect(
      services.getByRole('link', { name: new RegExp(`^${name}`) }),
    ).toHaveAttribute('href', new RegExp(`^https?://${name}-guest\\.`));
  }

  const quick = page.getByRole('list', { name: 'Quick links' });
  await quick.getByRole('link', { name: 'Files' }).click();
  await expect(page).toHaveURL(/\/knot\/files$/);
});

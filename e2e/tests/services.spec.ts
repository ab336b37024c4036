import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { deployHello, expect, signInAsGuest, test } from '../fixtures';

// The guest user's profile namespace, as provisioning would create it.
const namespace = 'knot-guest';

function kubectl(...args: string[]): string {
  return execFileSync('kubectl', args, { encoding: 'utf8' });
}

test.beforeAll(() => {
  try {
    kubectl('get', 'namespace', namespace);
  } catch {
    kubectl('create', 'namespace', namespace);
  }
  kubectl('label', '--overwrite', 'namespace', namespace, 'knot=enabled');
});

test('deploy Hello Kubernetes from Create, see it Running, open it, change its values, delete it', async ({
  page,
}) => {
  // A deploy on a loaded machine (controllers, kwok) takes a while.
  test.setTimeout(300_000);
  const name = `e2e${Date.now().toString(36).slice(-6)}`;
  const message = `Hello from e2e ${name}`;

  await signInAsGuest(page, '/create');

  // The Template generated from charts/hello-kubernetes; the profile
  // picker offers the signed-in user (and their teams). The task runs
  // knot:helm:install and links to the service.
  await deployHello(page, {
    name,
    profile: 'guest',
    values: async () => {
      const messageField = page.getByLabel('Message', { exact: false }).first();
      await expect(messageField).toHaveValue('Hello from Knot!');
      await messageField.fill(message);
    },
    timeout: 90_000,
  });
  await page.screenshot({
    path: resolve(__dirname, '../output/services-task.png'),
    fullPage: true,
  });

  await page.goto('/knot/services');
  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row.getByText('Running', { exact: true })).toBeVisible({
    timeout: 120_000,
  });
  await expect(row.getByText(`${name}-guest.`)).toBeVisible();
  // Knot's admission webhook (started with the portal) gave it the data
  // domains, the KNOT_* variables and the ingress's sign-in.
  const get = (kind: string, path: string) =>
    kubectl('get', kind, name, '-n', namespace, '-o', `jsonpath=${path}`);
  const pod = '{.spec.template.spec.containers[0]';
  expect(
    get('deployment', `${pod}.env[?(@.name=="KNOT_USERNAME")].value}`),
  ).toBe('guest');
  expect(get('deployment', `${pod}.volumeMounts[*].mountPath}`)).toMatch(
    /\/private.*\/shared/,
  );
  expect(
    get(
      'ingress',
      '{.metadata.annotations.nginx\\.ingress\\.kubernetes\\.io/auth-url}',
    ),
  ).toMatch(/\/api\/knot\/forward-auth(\?redirect=1)?$/);
  await page.screenshot({
    path: resolve(__dirname, '../output/services-page.png'),
    fullPage: true,
  });

  // Detail: the values it was deployed with.
  await row.getByRole('button', { name, exact: true }).click();
  const detail = page.getByRole('dialog');
  await expect(detail.getByText(`Service ${name}`)).toBeVisible();
  await expect(detail.getByText(message, { exact: false })).toBeVisible();
  await detail.getByRole('button', { name: 'Close' }).click();

  // Change values: the chart's generated form, prefilled; helm upgrade.
  const changed = `Changed by e2e ${name}`;
  await row.getByRole('button', { name: `Change values of ${name}` }).click();
  const form = page.getByRole('dialog');
  await expect(form.getByText(`Change values of ${name}`)).toBeVisible();
  const formMessage = form.getByLabel('Message', { exact: false }).first();
  await expect(formMessage).toHaveValue(message, { timeout: 30_000 });
  await formMessage.fill(changed);
  await page.screenshot({
    path: resolve(__dirname, '../output/services-change-values.png'),
    fullPage: true,
  });
  await form.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0, { timeout: 60_000 });
  await expect(row.getByText('Running', { exact: true })).toBeVisible({
    timeout: 120_000,
  });
  // The Deployment runs with the new message…
  await expect
    .poll(
      () =>
        kubectl(
          'get',
          'deployment',
          name,
          '-n',
          namespace,
          '-o',
          'jsonpath={.spec.template.spec.containers[0].env[?(@.name=="MESSAGE")].value}',
        ),
      { timeout: 30_000 },
    )
    .toBe(changed);
  // …and the detail shows it.
  await row.getByRole('button', { name, exact: true }).click();
  await expect(
    page.getByRole('dialog').getByText(changed, { exact: false }),
  ).toBeVisible();
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();

  // Delete, with confirmation.
  await row.getByRole('button', { name: `Delete ${name}` }).click();
  await page.getByRole('button', { name: 'Confirm delete' }).click();
  await expect(page.getByRole('row').filter({ hasText: name })).toHaveCount(0, {
    timeout: 30_000,
  });
  // helm uninstall deleted the Deployment (the API server may show it
  // terminating for a moment).
  await expect
    .poll(() => kubectl('get', 'deployments', '-n', namespace, '-o', 'name'), {
      timeout: 60_000,
    })
    .not.toContain(`/${name}`);
});

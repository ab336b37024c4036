import { chooseTemplate, expect, signInAsGuest, test } from '../fixtures';

/** The line under the service name, for `name` deployed as the guest. */
const address = (name: string) =>
  new RegExp(
    `^The service is reached at https?://${name}-guest\\.[a-z0-9.-]+/$`,
  );

test("Create: the address under the service name follows the name as it is typed; the chart's values on their own page", async ({
  page,
}) => {
  // The first render of Create on a loaded machine takes a while.
  test.setTimeout(180_000);
  await signInAsGuest(page, '/create');
  await chooseTemplate(page, 'Hello Kubernetes');

  // The profile picker presets the signed-in user; the name its default.
  await expect(page.getByText('guest (you)')).toBeVisible();
  await expect(page.getByText(address('hello-kubernetes'))).toBeVisible();

  const nameField = page.getByLabel('Name', { exact: false }).first();
  await nameField.fill('research-lab');
  await expect(page.getByText(address('research-lab'))).toBeVisible();
  await nameField.fill('');
  await expect(
    page.getByText('Type a name to see the address of the service'),
  ).toBeVisible();
  await nameField.fill('lab2');
  await expect(page.getByText(address('lab2'))).toBeVisible();

  // The chart's values, apart from Knot's name and profile.
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByText('Settings of Hello Kubernetes')).toBeVisible();
  await expect(
    page.getByLabel('Message', { exact: false }).first(),
  ).toHaveValue('Hello from Knot!');
});

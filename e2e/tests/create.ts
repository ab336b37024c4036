import { expect, type Page } from '@playwright/test';

/**
 * On the Create page, waits for the Template card titled `title` (the
 * catalog may still be processing it) and clicks its Choose button.
 */
export async function chooseTemplate(page: Page, title: string) {
  const heading = page.getByRole('heading', { name: title, exact: true });
  await expect(heading).toBeVisible({ timeout: 90_000 });
  // The nearest ancestor of the title holding a Choose button is its card.
  await heading
    .locator('xpath=ancestor::*[.//button[normalize-space()="Choose"]][1]')
    .getByRole('button', { name: 'Choose' })
    .click();
}

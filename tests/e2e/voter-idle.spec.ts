/**
 * Idle safety (issue 3 §7) with delays shortened through the page's query parameters
 * (`?idle=4&countdown=2`): the countdown appears, "Oui, je continue" keeps the vote, and silence wipes
 * the session, the choices, the typed data and the display settings, so the next voter, straight from the
 * welcome screen, finds an empty form and an empty tray. The default delays (90 s, then 30 s) are proven
 * on Playwright's fake clock; the welcome screen resets the display after the same delay.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { ballots, chooseButtons, enterAs, fillEligibility, openWith, paulette } from './voter-steps';

test('after the idle delay a countdown asks, and silence wipes the voter from the screen', async ({
  page,
  kiosk,
}) => {
  await openWith(page, kiosk, 'idle=4&countdown=2');
  await enterAs(page);
  await chooseButtons(page).nth(0).click();
  await chooseButtons(page).nth(1).click();
  await page.getByRole('button', { name: 'Affichage' }).click();
  await page.getByRole('button', { name: 'Très grand' }).click();
  await page.getByRole('button', { name: 'Contraste renforcé' }).click();
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'My choices: 2 of 3' })).toBeVisible();

  const dialog = page.getByRole('alertdialog', { name: 'Are you still there?' });
  await expect(dialog).toBeVisible({ timeout: 10_000 });
  await expect(dialog.getByRole('button', { name: 'Yes, I am still here' })).toBeFocused();
  // Then nothing: the welcome screen returns, in French, with the default display.
  await expect(page.getByRole('button', { name: 'Je vote' })).toBeVisible({ timeout: 10_000 });
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.locator('html')).toHaveAttribute('data-text-size', '0');
  await expect(page.locator('html')).toHaveAttribute('data-contrast', 'normal');
  expect(ballots(kiosk)).toEqual([]);

  // The next voter starts from nothing, straight from the welcome screen: an empty form, an empty tray.
  await page.getByRole('button', { name: 'Je vote' }).click();
  await expectEmptyForm(page);
  await fillEligibility(page, paulette);
  await page.getByRole('button', { name: 'Continuer' }).click();
  await expect(page.getByRole('heading', { name: 'Mes choix : 0 sur 3' })).toBeVisible();
  await expect(page.locator('li.card [aria-pressed="true"]')).toHaveCount(0);
});

test('silence on the eligibility screen wipes what was typed there', async ({ page, kiosk }) => {
  await openWith(page, kiosk, 'idle=3&countdown=2');
  await page.getByRole('button', { name: 'Je vote' }).click();
  await fillEligibility(page, paulette);
  await page.getByLabel('Une personne de l’accueil m’aide').check();
  await expect(page.getByText('Commune choisie : Arras')).toBeVisible();

  await expect(page.getByRole('alertdialog', { name: 'Êtes-vous toujours là ?' })).toBeVisible({
    timeout: 10_000,
  });
  await expect(page.getByRole('button', { name: 'Je vote' })).toBeVisible({ timeout: 10_000 });
  await page.getByRole('button', { name: 'Je vote' }).click();
  await expectEmptyForm(page);
});

test('"Oui, je continue" keeps the choices', async ({ page, kiosk }) => {
  await openWith(page, kiosk, 'idle=3&countdown=20');
  await enterAs(page);
  await chooseButtons(page).nth(0).click();
  const dialog = page.getByRole('alertdialog', { name: 'Êtes-vous toujours là ?' });
  await expect(dialog).toBeVisible({ timeout: 10_000 });
  await expect(dialog).toContainText(/effacé dans \d+ secondes/);
  await dialog.getByRole('button', { name: 'Oui, je continue' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { name: 'Mes choix : 1 sur 3' })).toBeVisible();
  await page.getByRole('button', { name: 'Voir mon vote' }).click();
  await page.getByRole('button', { name: 'Valider mon vote' }).click();
  await expect(page.getByRole('heading', { name: 'Merci !' })).toBeVisible();
  expect(ballots(kiosk)).toHaveLength(1);
});

test('without settings the delays are 90 s of silence, then a 30 s countdown', async ({ page, kiosk }) => {
  // The page's clock is Playwright's: time runs as usual until it is paused, then only when told.
  await page.clock.install();
  await openWith(page, kiosk, '');
  await enterAs(page);
  await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1000);
  // The last activity: the idle delay counts from this key press.
  await page.keyboard.press('Shift');
  const dialog = page.getByRole('alertdialog', { name: 'Êtes-vous toujours là ?' });

  await page.clock.runFor(89_000);
  await expect(dialog).toHaveCount(0);
  await page.clock.runFor(1000);
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('effacé dans 30 secondes');

  await page.clock.runFor(29_000);
  await expect(dialog).toContainText('effacé dans 1 seconde');
  await expect(page.getByRole('heading', { level: 1, name: 'Les projets' })).toBeAttached();
  await page.clock.runFor(1000);
  await expect(page.getByRole('button', { name: 'Je vote' })).toBeVisible();
  await expect(dialog).toHaveCount(0);
});

async function expectEmptyForm(page: Page): Promise<void> {
  await expect(page.getByRole('combobox', { name: 'Votre commune' })).toHaveValue('');
  await expect(page.getByText(/Commune choisie/)).toHaveCount(0);
  for (const label of ['Jour', 'Mois', 'Année', 'Votre nom de famille', 'Votre premier prénom'])
    await expect(page.getByLabel(label)).toHaveValue('');
  await expect(page.getByLabel('Une personne de l’accueil m’aide')).not.toBeChecked();
}

test('on the welcome screen too, the idle delay puts the display and the language back for the next person', async ({
  page,
  kiosk,
}) => {
  await openWith(page, kiosk, 'idle=2&countdown=2');
  // Someone sets the display and English, then walks away without voting.
  await page.getByRole('button', { name: 'Affichage' }).click();
  await page.getByRole('button', { name: 'Très grand' }).click();
  await page.getByRole('button', { name: 'Contraste renforcé' }).click();
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-text-size', '2');
  await expect(page.getByRole('button', { name: 'I vote' })).toBeVisible();

  await expect(page.getByRole('button', { name: 'Je vote' })).toBeVisible({ timeout: 10_000 });
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.locator('html')).toHaveAttribute('data-text-size', '0');
  await expect(page.locator('html')).toHaveAttribute('data-contrast', 'normal');
  await expect(page.getByRole('button', { name: 'Affichage' })).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByRole('region', { name: 'Réglages d’affichage' })).toBeHidden();
  // Nothing to lose there: no countdown was asked.
  await expect(page.getByRole('alertdialog')).toHaveCount(0);
});

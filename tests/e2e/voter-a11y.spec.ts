/**
 * Accessibility of every voter screen (issue 3 §8): axe reports zero violations in the normal and the
 * high-contrast theme, at the normal and the largest text size; and a screenshot of every screen at
 * 1280×800, 1920×1080 and 1080×1920 (plus high contrast at the largest size) is saved in
 * test-results/screens/ for a person to look at. Screens include the dialogs (4th pick, "Abandonner",
 * idle), the welcome screen of a closed or not yet open vote, eligibility with a commune chosen, the
 * search keyboard, and browsing and the review in English.
 */
import { mkdirSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { chooseButtons, enterAs, fillEligibility, openWith, paulette } from './voter-steps';

const SCREENS_DIR = 'test-results/screens';
const viewports = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
  { width: 1080, height: 1920 },
] as const;

type Size = 'Normal' | 'Très grand';

/** The display panel's buttons in the interface's language. */
const panelLabels = {
  fr: {
    display: 'Affichage',
    Normal: 'Normal',
    'Très grand': 'Très grand',
    contrast: 'Contraste renforcé',
    close: 'Fermer',
  },
  en: {
    display: 'Display',
    Normal: 'Normal',
    'Très grand': 'Extra large',
    contrast: 'High contrast',
    close: 'Close',
  },
} as const;

/** Sets the display through the header's own panel, as a voter would, in French or English. */
async function display(page: Page, size: Size, highContrast: boolean): Promise<void> {
  const labels = panelLabels[(await page.locator('html').getAttribute('lang')) === 'en' ? 'en' : 'fr'];
  const toggle = page.getByRole('button', { name: labels.display });
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await page.getByRole('button', { name: labels[size], exact: true }).click();
  const contrast = page.getByRole('button', { name: labels.contrast });
  if (((await contrast.getAttribute('aria-pressed')) === 'true') !== highContrast) await contrast.click();
  await page.getByRole('button', { name: labels.close }).click();
}

async function axe(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const summary = results.violations.map((v) => ({
    id: v.id,
    help: v.help,
    targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
  }));
  expect(summary, `axe violations on ${label}`).toEqual([]);
}

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  for (const viewport of viewports) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: `${SCREENS_DIR}/${name}-${viewport.width}x${viewport.height}.png` });
  }
  await page.setViewportSize(viewports[0]);
}

/** axe in both themes at both extreme text sizes, and the screenshots; leaves the display normal. */
async function check(page: Page, name: string): Promise<void> {
  await axe(page, `${name} (normal)`);
  await shoot(page, name);
  await display(page, 'Très grand', true);
  await axe(page, `${name} (high contrast, largest text)`);
  await page.screenshot({ path: `${SCREENS_DIR}/${name}-contrast-large-1280x800.png` });
  await display(page, 'Très grand', false);
  await axe(page, `${name} (largest text)`);
  await display(page, 'Normal', true);
  await axe(page, `${name} (high contrast)`);
  await display(page, 'Normal', false);
}

/**
 * The same for a modal dialog (open when called), which covers the header's display panel: it is closed
 * with Escape, the display set, and `open` shows it again; it is left open, in the normal display.
 */
async function checkDialog(page: Page, name: string, open: () => Promise<void>): Promise<void> {
  await axe(page, `${name} (normal)`);
  await shoot(page, name);
  const variants = [
    ['Très grand', true, 'high contrast, largest text'],
    ['Très grand', false, 'largest text'],
    ['Normal', true, 'high contrast'],
  ] as const;
  for (const [size, contrast, label] of variants) {
    await page.keyboard.press('Escape');
    await display(page, size, contrast);
    await open();
    await expect(page.getByRole('alertdialog')).toBeVisible();
    await axe(page, `${name} (${label})`);
    if (size === 'Très grand' && contrast)
      await page.screenshot({ path: `${SCREENS_DIR}/${name}-contrast-large-1280x800.png` });
  }
  await page.keyboard.press('Escape');
  await display(page, 'Normal', false);
  await open();
}

test.describe.configure({ timeout: 180_000 });

test('welcome, display settings and English', async ({ page }) => {
  await check(page, '01-welcome');
  await page.getByRole('button', { name: 'Affichage' }).click();
  await axe(page, 'display panel');
  await shoot(page, '02-display-panel');
  await page.getByRole('button', { name: 'Fermer' }).click();
  await page.getByRole('button', { name: 'English' }).click();
  await axe(page, 'welcome in English');
  await shoot(page, '03-welcome-en');
});

test('eligibility: empty, suggestions, problems, refusal', async ({ page }) => {
  await page.getByRole('button', { name: 'Je vote' }).click();
  await check(page, '04-eligibility');
  await page.getByRole('combobox', { name: 'Votre commune' }).fill('Ar');
  await expect(page.getByRole('option').first()).toBeVisible();
  await check(page, '05-eligibility-suggestions');
  await page.getByRole('option').first().click();
  await expect(page.getByText(/^Commune choisie :/)).toBeVisible();
  await check(page, '05-eligibility-commune-chosen');
  await page.getByRole('button', { name: 'Changer' }).click();
  await page.getByRole('combobox', { name: 'Votre commune' }).fill('');
  await page.getByRole('button', { name: 'Continuer' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await check(page, '06-eligibility-problems');
  await fillEligibility(page, { ...paulette, year: String(new Date().getFullYear() - 4) });
  await page.getByLabel('Jour').focus();
  await check(page, '07-eligibility-numeric-pad');
  await page.getByRole('button', { name: 'Continuer' }).click();
  await expect(page.getByRole('heading', { name: 'Vous ne pouvez pas voter ici' })).toBeVisible();
  await check(page, '08-refusal');
});

test('browsing, the over-vote notice, the detail, review and thank-you', async ({ page }) => {
  await enterAs(page);
  await check(page, '09-browse');
  await page.getByRole('button', { name: 'Clavier', exact: true }).click();
  await expect(page.getByRole('group', { name: 'Clavier à l’écran' })).toBeVisible();
  await check(page, '09-browse-search-keyboard');
  await page.getByRole('button', { name: 'Masquer le clavier' }).click();
  for (let i = 0; i < 4; i++) await chooseButtons(page).nth(i).click();
  await expect(page.getByRole('alertdialog', { name: 'Vous avez déjà choisi 3 projets' })).toBeVisible();
  await checkDialog(page, '10-browse-full', () => chooseButtons(page).nth(3).click());
  await page.getByRole('button', { name: 'J’ai compris' }).click();
  await page
    .getByRole('complementary')
    .getByRole('button', { name: /^Retirer/ })
    .first()
    .click();
  await page.locator('li.card').nth(5).getByRole('button', { name: 'Découvrir' }).click();
  await expect(page.getByRole('heading', { name: 'En bref' })).toBeVisible();
  await check(page, '11-detail');
  await page.getByRole('button', { name: 'Retour aux projets' }).click();
  await page.getByRole('button', { name: 'Voir mon vote' }).click();
  await expect(page.getByText(/Vous pouvez encore choisir 1 projet/)).toBeVisible();
  await check(page, '12-review');
  await page.getByRole('button', { name: 'Valider mon vote' }).click();
  await expect(page.getByRole('heading', { name: 'Merci !' })).toBeVisible();
  await check(page, '13-thanks');
});

test('the idle countdown dialog', async ({ page, kiosk }) => {
  await openWith(page, kiosk, 'idle=4&countdown=60');
  await enterAs(page);
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toBeVisible({ timeout: 10_000 });
  await axe(page, 'idle dialog');
  await shoot(page, '14-idle');
  await dialog.getByRole('button', { name: 'Oui, je continue' }).click();
  await display(page, 'Très grand', true);
  await expect(dialog).toBeVisible({ timeout: 10_000 });
  await axe(page, 'idle dialog (high contrast, largest text)');
  await page.screenshot({ path: `${SCREENS_DIR}/14-idle-contrast-large-1280x800.png` });
});

test('the "Abandonner" confirmation', async ({ page }) => {
  await enterAs(page);
  const quit = page.getByRole('button', { name: 'Abandonner' });
  await quit.click();
  await expect(page.getByRole('alertdialog', { name: 'Arrêter votre vote ?' })).toBeVisible();
  await checkDialog(page, '15-quit-dialog', () => quit.click());
  await page.getByRole('button', { name: 'Non, je continue' }).click();
  await expect(quit).toBeFocused();
});

test('the welcome screen when the vote is closed, or not open yet', async ({ page, kiosk }) => {
  for (const [state, name, text] of [
    ['closed', '16-welcome-closed', 'Le vote est terminé.'],
    ['not_open', '17-welcome-not-open', 'Le vote n’est pas ouvert pour le moment.'],
  ] as const) {
    // The kiosk's clock decides (DESIGN §3.7); here its answer is changed on the way to the screen.
    await page.unrouteAll();
    await page.route('**/api/kiosk/getStatus', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { value: { state: string } };
      body.value.state = state;
      await route.fulfill({ response, json: body });
    });
    // A query of its own each time: a new page load, not a jump inside the same page.
    await page.goto(`${kiosk.harness.origin}/?case=${state}#token=${kiosk.harness.token}`);
    await expect(page.getByRole('status').filter({ hasText: text })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Je vote' })).toHaveCount(0);
    await check(page, name);
  }
});

test('browsing and the review in English', async ({ page }) => {
  await enterAs(page);
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'The projects' })).toBeVisible();
  await check(page, '20-browse-en');
  await page.getByRole('button', { name: 'Choose', exact: true }).first().click();
  await page.getByRole('button', { name: 'See my vote' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your vote' })).toBeVisible();
  await check(page, '21-review-en');
});

/**
 * Accessibility of every voter screen (issue 3 §8): axe reports zero violations in the normal and the
 * high-contrast theme, at the normal and the largest text size; and a screenshot of every screen at
 * 1280×800, 1920×1080 and 1080×1920 (plus high contrast at the largest size) is saved in
 * test-results/screens/ for a person to look at. Screens include the dialogs (4th pick, "Abandonner",
 * idle), the welcome screen of a closed or not yet open vote, eligibility with a commune chosen, the
 * search keyboard, and browsing and the review in English.
 *
 * The unit is one screen at one text size: each screen has a test at the normal size (both themes, and
 * the screenshots) and one at the largest size (both themes), each reaching its screen on a fresh kiosk
 * the way a voter does. So no test runs axe more than twice, and a slow machine makes every test a little
 * longer rather than one test many times longer. The page is opened with the longest idle delay the
 * screens accept (an hour): the idle dialog and the thank-you screen's return to the welcome screen come
 * on a timer, which a slow analysis must never race (the idle dialog has its own test, with short delays).
 */
import { mkdirSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test, type KioskFixture } from './fixtures';
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

/**
 * Every axe rule on the whole page. Only violations are asked for: the rules and what they check are the
 * same, but axe then skips listing every passing node, which was close to half of each analysis.
 */
async function axe(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).options({ resultTypes: ['violations'] }).analyze();
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

/** The idle delay of every test but the idle dialog's: an hour, the longest the screens accept. */
const NO_IDLE = 'idle=3600';

/** Brings a fresh page (on the welcome screen) to the screen under test, checking the way there. */
type Reach = (page: Page, kiosk: KioskFixture) => Promise<void>;

/**
 * The two tests of a screen: at the normal text size, axe in both themes and the three screenshots; at
 * the largest, axe in both themes and the high-contrast screenshot.
 */
function screen(name: string, reach: Reach): void {
  test.describe(name, () => {
    test('normal text, both themes', async ({ page, kiosk }) => {
      await reach(page, kiosk);
      await axe(page, `${name} (normal)`);
      await shoot(page, name);
      await display(page, 'Normal', true);
      await axe(page, `${name} (high contrast)`);
    });

    test('largest text, both themes', async ({ page, kiosk }) => {
      await reach(page, kiosk);
      await display(page, 'Très grand', true);
      await axe(page, `${name} (high contrast, largest text)`);
      await page.screenshot({ path: `${SCREENS_DIR}/${name}-contrast-large-1280x800.png` });
      await display(page, 'Très grand', false);
      await axe(page, `${name} (largest text)`);
    });
  });
}

/**
 * The same for a modal dialog (open once `reach` is done), which covers the header's display panel: it
 * is closed with Escape, the display set, and `open` shows it again. `after` runs on the dialog at the
 * end of each test.
 */
function dialogScreen(
  name: string,
  reach: Reach,
  open: (page: Page) => Promise<void>,
  after: (page: Page) => Promise<void> = async () => undefined,
): void {
  const reopenWith = async (page: Page, size: Size, highContrast: boolean): Promise<void> => {
    await page.keyboard.press('Escape');
    await display(page, size, highContrast);
    await open(page);
    await expect(page.getByRole('alertdialog')).toBeVisible();
  };

  test.describe(name, () => {
    test('normal text, both themes', async ({ page, kiosk }) => {
      await reach(page, kiosk);
      await axe(page, `${name} (normal)`);
      await shoot(page, name);
      await reopenWith(page, 'Normal', true);
      await axe(page, `${name} (high contrast)`);
      await after(page);
    });

    test('largest text, both themes', async ({ page, kiosk }) => {
      await reach(page, kiosk);
      await reopenWith(page, 'Très grand', true);
      await axe(page, `${name} (high contrast, largest text)`);
      await page.screenshot({ path: `${SCREENS_DIR}/${name}-contrast-large-1280x800.png` });
      await reopenWith(page, 'Très grand', false);
      await axe(page, `${name} (largest text)`);
      await after(page);
    });
  });
}

// Every test has its own kiosk and page: they spread over the workers like tests of different files.
// A test runs at most two analyses; its timeout only catches a hang, on however busy a machine.
test.describe.configure({ mode: 'parallel', timeout: 300_000 });

test.beforeEach(async ({ page, kiosk }) => {
  await openWith(page, kiosk, NO_IDLE);
});

// ---------------------------------------------------------------- welcome

screen('01-welcome', async () => undefined);

test('02-display-panel', async ({ page }) => {
  await page.getByRole('button', { name: 'Affichage' }).click();
  await axe(page, 'display panel');
  await shoot(page, '02-display-panel');
  await page.getByRole('button', { name: 'Fermer' }).click();
});

test('03-welcome-en', async ({ page }) => {
  await page.getByRole('button', { name: 'English' }).click();
  await axe(page, 'welcome in English');
  await shoot(page, '03-welcome-en');
});

/** The welcome screen with the kiosk's state changed on its way to the screen (its clock decides). */
const welcomeWhen =
  (state: 'closed' | 'not_open', text: string): Reach =>
  async (page, kiosk) => {
    await page.route('**/api/kiosk/getStatus', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { value: { state: string } };
      body.value.state = state;
      await route.fulfill({ response, json: body });
    });
    await page.goto(`${kiosk.harness.origin}/?case=${state}&${NO_IDLE}#token=${kiosk.harness.token}`);
    await expect(page.getByRole('status').filter({ hasText: text })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Je vote' })).toHaveCount(0);
  };

screen('16-welcome-closed', welcomeWhen('closed', 'Le vote est terminé.'));
screen('17-welcome-not-open', welcomeWhen('not_open', 'Le vote n’est pas ouvert pour le moment.'));

// ---------------------------------------------------------------- eligibility

const eligibility: Reach = async (page) => {
  await page.getByRole('button', { name: 'Je vote' }).click();
};

const suggestions: Reach = async (page, kiosk) => {
  await eligibility(page, kiosk);
  await page.getByRole('combobox', { name: 'Votre commune' }).fill('Ar');
  await expect(page.getByRole('option').first()).toBeVisible();
};

const communeChosen: Reach = async (page, kiosk) => {
  await suggestions(page, kiosk);
  await page.getByRole('option').first().click();
  await expect(page.getByText(/^Commune choisie :/)).toBeVisible();
};

const problems: Reach = async (page, kiosk) => {
  await communeChosen(page, kiosk);
  await page.getByRole('button', { name: 'Changer' }).click();
  await page.getByRole('combobox', { name: 'Votre commune' }).fill('');
  await page.getByRole('button', { name: 'Continuer' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
};

const numericPad: Reach = async (page, kiosk) => {
  await problems(page, kiosk);
  await fillEligibility(page, { ...paulette, year: String(new Date().getFullYear() - 4) });
  await page.getByLabel('Jour').focus();
};

const refusal: Reach = async (page, kiosk) => {
  await numericPad(page, kiosk);
  await page.getByRole('button', { name: 'Continuer' }).click();
  await expect(page.getByRole('heading', { name: 'Vous ne pouvez pas voter ici' })).toBeVisible();
};

screen('04-eligibility', eligibility);
screen('05-eligibility-suggestions', suggestions);
screen('05-eligibility-commune-chosen', communeChosen);
screen('06-eligibility-problems', problems);
screen('07-eligibility-numeric-pad', numericPad);
screen('08-refusal', refusal);

// ---------------------------------------------------------------- browsing to thank-you

const browse: Reach = async (page) => {
  await enterAs(page);
};

const searchKeyboard: Reach = async (page, kiosk) => {
  await browse(page, kiosk);
  await page.getByRole('button', { name: 'Clavier', exact: true }).click();
  await expect(page.getByRole('group', { name: 'Clavier à l’écran' })).toBeVisible();
};

/** Four picks: the over-vote notice is open. */
const overVote: Reach = async (page, kiosk) => {
  await searchKeyboard(page, kiosk);
  await page.getByRole('button', { name: 'Masquer le clavier' }).click();
  for (let i = 0; i < 4; i++) await chooseButtons(page).nth(i).click();
  await expect(page.getByRole('alertdialog', { name: 'Vous avez déjà choisi 3 projets' })).toBeVisible();
};

const detail: Reach = async (page, kiosk) => {
  await overVote(page, kiosk);
  await page.getByRole('button', { name: 'J’ai compris' }).click();
  await page
    .getByRole('complementary')
    .getByRole('button', { name: /^Retirer/ })
    .first()
    .click();
  await page.locator('li.card').nth(5).getByRole('button', { name: 'Découvrir' }).click();
  await expect(page.getByRole('heading', { name: 'En bref' })).toBeVisible();
};

const review: Reach = async (page, kiosk) => {
  await detail(page, kiosk);
  await page.getByRole('button', { name: 'Retour aux projets' }).click();
  await page.getByRole('button', { name: 'Voir mon vote' }).click();
  await expect(page.getByText(/Vous pouvez encore choisir 1 projet/)).toBeVisible();
};

const thanks: Reach = async (page, kiosk) => {
  await review(page, kiosk);
  await page.getByRole('button', { name: 'Valider mon vote' }).click();
  await expect(page.getByRole('heading', { name: 'Merci !' })).toBeVisible();
};

screen('09-browse', browse);
screen('09-browse-search-keyboard', searchKeyboard);
dialogScreen('10-browse-full', overVote, (page) => chooseButtons(page).nth(3).click());
screen('11-detail', detail);
screen('12-review', review);
screen('13-thanks', thanks);

// ---------------------------------------------------------------- dialogs

test('14-idle: the idle countdown dialog', async ({ page, kiosk }) => {
  // The longest countdown the screens accept: the dialog must still be there when a slow analysis ends.
  await openWith(page, kiosk, 'idle=4&countdown=3600');
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

const quitButton = (page: Page) => page.getByRole('button', { name: 'Abandonner' });

dialogScreen(
  '15-quit-dialog',
  async (page) => {
    await enterAs(page);
    await quitButton(page).click();
    await expect(page.getByRole('alertdialog', { name: 'Arrêter votre vote ?' })).toBeVisible();
  },
  (page) => quitButton(page).click(),
  async (page) => {
    await page.getByRole('button', { name: 'Non, je continue' }).click();
    await expect(quitButton(page)).toBeFocused();
  },
);

// ---------------------------------------------------------------- English

const browseEn: Reach = async (page, kiosk) => {
  await browse(page, kiosk);
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'The projects' })).toBeVisible();
};

const reviewEn: Reach = async (page, kiosk) => {
  await browseEn(page, kiosk);
  await page.getByRole('button', { name: 'Choose', exact: true }).first().click();
  await page.getByRole('button', { name: 'See my vote' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your vote' })).toBeVisible();
};

screen('20-browse-en', browseEn);
screen('21-review-en', reviewEn);

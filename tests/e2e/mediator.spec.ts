/**
 * The mediator's space and the voter's "Abandonner", through the browser harness on a real core and
 * SQLite file: choosing a PIN, locking, a wrong PIN refused, unlocking (by touch and by keyboard only),
 * training mode with its banner and a training ballot stored as such, closing the day, axe on the PIN pad
 * and the space (normal and high contrast), screenshots in test-results/screens/mediator-*.png.
 */
import { mkdtempSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { chooseButtons, enterAs, paulette, tabTo } from './voter-steps';

const SCREENS_DIR = 'test-results/screens';
const BANNER = 'MODE FORMATION — les votes ne comptent pas';

async function axe(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const summary = results.violations.map((v) => ({
    id: v.id,
    targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
  }));
  expect(summary, `axe violations on ${label}`).toEqual([]);
}

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 1080, height: 1920 },
  ]) {
    await page.setViewportSize(viewport);
    await page.screenshot({
      path: `${SCREENS_DIR}/${name}-${viewport.width}x${viewport.height}.png`,
      fullPage: true,
    });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function setContrast(page: Page, high: boolean): Promise<void> {
  await page.getByRole('button', { name: 'Affichage' }).click();
  const contrast = page.getByRole('button', { name: 'Contraste renforcé' });
  if (((await contrast.getAttribute('aria-pressed')) === 'true') !== high) await contrast.click();
  await page.getByRole('button', { name: 'Fermer', exact: true }).click();
}

async function typePin(page: Page, pin: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Code médiateur', exact: true }).fill(pin);
  await page.getByRole('button', { name: 'Valider' }).click();
}

const spaceHeading = (page: Page) => page.getByRole('heading', { level: 2, name: 'Envoi des votes' });

async function unlock(page: Page, pin: string): Promise<void> {
  await page.getByRole('button', { name: 'Médiateur' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Espace médiateur' })).toBeVisible();
  await typePin(page, pin);
  await expect(spaceHeading(page)).toBeVisible();
}

async function closeSpace(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Fermer l’espace médiateur' }).click();
  await expect(page.getByRole('button', { name: 'Je vote' })).toBeVisible();
}

/** From the grid: choose the first project, review, cast, and back to the welcome screen. */
async function voteFirst(page: Page): Promise<void> {
  await chooseButtons(page).first().click();
  await page.getByRole('button', { name: 'Voir mon vote' }).click();
  await page.getByRole('button', { name: 'Valider mon vote' }).click();
  await page.getByRole('button', { name: 'Terminer' }).click();
  await expect(page.getByRole('button', { name: 'Je vote' })).toBeVisible();
}

test('a mediator chooses a PIN, is refused a wrong one, runs a training vote and closes the day', async ({
  page,
  kiosk,
}) => {
  // No PIN yet: the entry asks for one, twice (touch keys the first time, typed digits the second).
  await page.getByRole('button', { name: 'Médiateur' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Choisissez un code médiateur' })).toBeVisible();
  for (const digit of '2468') await page.getByRole('button', { name: digit, exact: true }).click();
  await expect(page.getByRole('textbox', { name: 'Code médiateur', exact: true })).toHaveValue('2468');
  await expect(page.getByRole('textbox', { name: 'Code médiateur', exact: true })).toHaveAttribute(
    'type',
    'password',
  );
  await page.getByRole('button', { name: 'Valider' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Saisissez à nouveau ce code' })).toBeVisible();
  await typePin(page, '2468');
  await expect(spaceHeading(page)).toBeVisible();
  await expect(page.getByText('Ouverte', { exact: true })).toBeVisible();
  const stored = kiosk.query<{ value: string }>("SELECT value FROM settings WHERE key = 'mediator.pin'");
  expect(stored[0]?.value).toMatch(/^scrypt\$/);
  expect(stored[0]?.value).not.toContain('2468');
  await closeSpace(page);

  // Locked now: the core itself refuses a mediator method.
  const refused = await kiosk.kiosk.handlers.setTraining({ training: true });
  expect(!refused.ok && refused.error.code).toBe('unauthorized');

  // A wrong PIN is refused with a message, the right one opens the space.
  await page.getByRole('button', { name: 'Médiateur' }).click();
  await typePin(page, '1111');
  await expect(page.getByText('Code incorrect. Encore 4 essais.')).toBeVisible();
  await expect(spaceHeading(page)).toHaveCount(0);
  await typePin(page, '2468');
  await expect(spaceHeading(page)).toBeVisible();

  // Training on: the banner shows on every voter screen and the ballot is stored as training.
  const toggle = page.getByRole('button', { name: 'Mode formation', exact: true });
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await closeSpace(page);
  await expect(page.getByText(BANNER)).toBeVisible();
  await page.getByRole('button', { name: 'Je vote' }).click();
  await expect(page.getByText(BANNER)).toBeVisible();
  await page.getByRole('button', { name: 'Retour' }).click();
  await enterAs(page);
  await expect(page.getByText(BANNER)).toBeVisible();
  await chooseButtons(page).first().click();
  await page.getByRole('button', { name: 'Voir mon vote' }).click();
  await expect(page.getByText(BANNER)).toBeVisible();
  await page.getByRole('button', { name: 'Valider mon vote' }).click();
  await page.getByRole('button', { name: 'Terminer' }).click();
  expect(kiosk.counts()).toMatchObject({ trainingBallots: 1, ballots: 0 });

  // Training off, one real vote, then the day's close shows its counts.
  await unlock(page, '2468');
  await page.getByRole('button', { name: 'Mode formation', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Mode formation', exact: true })).toHaveAttribute(
    'aria-pressed',
    'false',
  );
  await closeSpace(page);
  await expect(page.getByText(BANNER)).toHaveCount(0);
  await enterAs(page, { ...paulette, firstName: 'Marcelle' });
  await voteFirst(page);
  expect(kiosk.counts().ballots).toBe(1);

  await unlock(page, '2468');
  await page.getByRole('button', { name: 'Clôturer la journée' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Clôturer la journée ?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Oui, clôturer' }).click();
  await expect(page.getByText(/clôturée\. Votes : 1\. Participations : 1\./)).toBeVisible();

  // The day's batch goes to a "USB key" folder as DESIGN §4 files.
  const usb = mkdtempSync(join(tmpdir(), 'isoloir-usb-'));
  try {
    await page.getByRole('textbox', { name: 'Dossier de la clé USB' }).fill(usb);
    await page.getByRole('button', { name: 'Exporter sur clé USB' }).click();
    await expect(page.getByText(/^Export terminé : [1-9]\d* fichiers écrits, 0 déjà présents/)).toBeVisible();
    expect(readdirSync(usb).length).toBeGreaterThan(0);
  } finally {
    rmSync(usb, { recursive: true, force: true });
  }
  await closeSpace(page);
});

test('PIN pad: zero axe violations in both themes, screenshots', async ({ page }) => {
  await page.getByRole('button', { name: 'Médiateur' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Choisissez un code médiateur' })).toBeVisible();
  await axe(page, 'PIN pad (normal)');
  await shoot(page, 'mediator-pin');
  await typePin(page, '12');
  await expect(page.getByText('Le code compte de 4 à 8 chiffres.')).toBeVisible();
  await setContrast(page, true);
  await axe(page, 'PIN pad with a message (high contrast)');
  await shoot(page, 'mediator-pin-contrast');
});

test('mediator space and its closing dialog: zero axe violations in both themes, screenshots', async ({
  page,
  kiosk,
}) => {
  expect((await kiosk.kiosk.handlers.setMediatorPin({ pin: '13579' })).ok).toBe(true);
  await kiosk.kiosk.handlers.lockMediator({});
  await unlock(page, '13579');
  await axe(page, 'mediator space (normal)');
  await shoot(page, 'mediator-space');
  await setContrast(page, true);
  await axe(page, 'mediator space (high contrast)');
  await shoot(page, 'mediator-space-contrast');
  await setContrast(page, false);
  await page.getByRole('button', { name: 'Clôturer la journée' }).click();
  await axe(page, 'close-the-day dialog');
  await shoot(page, 'mediator-close-day');
});

test('a mediator unlocks with the keyboard only', async ({ page, kiosk }) => {
  expect((await kiosk.kiosk.handlers.setMediatorPin({ pin: '8642' })).ok).toBe(true);
  expect((await kiosk.kiosk.handlers.lockMediator({})).ok).toBe(true);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Je vote' })).toBeVisible();
  await tabTo(page, /^Médiateur$/);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Espace médiateur' })).toBeVisible();
  await tabTo(page, /^Code médiateur$/);
  await page.keyboard.type('8642');
  await page.keyboard.press('Enter');
  await expect(spaceHeading(page)).toBeVisible();
  await tabTo(page, /^Fermer l’espace médiateur$/, 120);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Je vote' })).toBeVisible();
  const status = await kiosk.kiosk.handlers.mediatorStatus({});
  expect(status.ok && status.value.unlocked).toBe(false);
});

test('"Abandonner" asks first, then wipes the voter and stores nothing', async ({ page, kiosk }) => {
  await page.getByRole('button', { name: 'Je vote' }).click();
  await expect(page.getByRole('button', { name: 'Abandonner' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Médiateur' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Retour' }).click();
  await enterAs(page);
  await chooseButtons(page).first().click();

  // "Non" keeps everything as it was.
  await page.getByRole('button', { name: 'Abandonner' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Arrêter votre vote ?' });
  await expect(dialog.getByText('Voulez-vous vraiment arrêter ? Vos choix seront effacés.')).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Non, je continue' })).toBeFocused();
  await axe(page, 'quit dialog');
  await dialog.getByRole('button', { name: 'Non, je continue' }).click();
  await expect(page.getByText('Mes choix : 1 sur')).toBeVisible();

  // From the review screen, "Oui" ends the voter like the idle timeout.
  await page.getByRole('button', { name: 'Voir mon vote' }).click();
  await page.getByRole('button', { name: 'Abandonner' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Oui, tout effacer' }).click();
  await expect(page.getByRole('button', { name: 'Je vote' })).toBeVisible();
  expect(kiosk.counts()).toEqual({
    ballots: 0,
    participations: 0,
    trainingBallots: 0,
    trainingParticipations: 0,
  });

  // The same person may start again, with no choice left from before.
  await enterAs(page);
  await expect(page.getByText('Vous n’avez pas encore choisi de projet.')).toBeVisible();
});

test('five wrong codes lock the PIN pad, and the right code is refused meanwhile', async ({
  page,
  kiosk,
}) => {
  expect((await kiosk.kiosk.handlers.setMediatorPin({ pin: '8642' })).ok).toBe(true);
  expect((await kiosk.kiosk.handlers.lockMediator({})).ok).toBe(true);
  await page.getByRole('button', { name: 'Médiateur' }).click();
  for (let i = 0; i < 4; i++) await typePin(page, '0000');
  await expect(page.getByText('Code incorrect. Encore 1 essai.')).toBeVisible();
  await typePin(page, '0000');
  await expect(page.getByText(/^Trop de codes incorrects\. Réessayez après \d{2}:\d{2}\.$/)).toBeVisible();
  await typePin(page, '8642');
  await expect(page.getByText(/^Trop de codes incorrects/)).toBeVisible();
  await expect(spaceHeading(page)).toHaveCount(0);
  const refusals = kiosk.query<{ detail: string }>(
    "SELECT detail FROM audit_events WHERE kind = 'mediator_unlock_refused'",
  );
  expect(refusals).toHaveLength(5);
  for (const r of refusals) expect(r.detail).not.toMatch(/0000|8642/);
});

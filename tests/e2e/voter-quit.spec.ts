/**
 * The voter's "Abandonner", through the browser harness on a real core and SQLite file: it asks first,
 * "Non" keeps the choices, "Oui" wipes the voter and stores nothing. (The mediator's own screens are in
 * counter-*.spec.ts.)
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { chooseButtons, enterAs } from './voter-steps';

async function axe(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const summary = results.violations.map((v) => ({
    id: v.id,
    targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
  }));
  expect(summary, `axe violations on ${label}`).toEqual([]);
}

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

/**
 * Steps shared by the voter specs (voter-*.spec.ts): open the harness with query parameters, go through
 * the eligibility screen, read the sample election, and move the keyboard focus by Tab alone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { ElectionPackage } from '../../src/shared/wire';
import { expect, generatedDir, type KioskFixture } from './fixtures';

export const sampleElection = (): ElectionPackage =>
  JSON.parse(readFileSync(join(generatedDir, 'sample-election.json'), 'utf8')) as ElectionPackage;

/** Reloads the harness page with `?query` (e.g. short idle delays); the secret rides in the fragment. */
export async function openWith(page: Page, kiosk: KioskFixture, query: string): Promise<void> {
  await page.goto(`${kiosk.harness.origin}/?${query}#token=${kiosk.harness.token}`);
  await expect(page.getByRole('button', { name: 'Je vote' })).toBeVisible();
}

export interface Person {
  commune: string;
  communeOption: RegExp;
  day: string;
  month: string;
  year: string;
  familyName: string;
  firstName: string;
}

export const paulette: Person = {
  commune: 'Arras',
  communeOption: /^Arras\b/,
  day: '14',
  month: '07',
  year: '1962',
  familyName: 'Durand',
  firstName: 'Paulette',
};

/** From the welcome screen to the grid, with the mouse. */
export async function enterAs(page: Page, person: Person = paulette): Promise<void> {
  await page.getByRole('button', { name: 'Je vote' }).click();
  await fillEligibility(page, person);
  await page.getByRole('button', { name: 'Continuer' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Les projets' })).toBeVisible();
}

export async function fillEligibility(page: Page, person: Person): Promise<void> {
  await page.getByRole('combobox', { name: 'Votre commune' }).fill(person.commune);
  await page.getByRole('option', { name: person.communeOption }).first().click();
  await page.getByLabel('Jour').fill(person.day);
  await page.getByLabel('Mois').fill(person.month);
  await page.getByLabel('Année').fill(person.year);
  await page.getByLabel('Votre nom de famille').fill(person.familyName);
  await page.getByLabel('Votre premier prénom').fill(person.firstName);
}

/** The "Choisir" buttons of the cards, in screen order. */
export const chooseButtons = (page: Page) =>
  page.getByRole('list', { name: 'Les projets' }).getByRole('button', { name: /^(Choisir|Choisi)$/ });

/** Project ids of the cards in screen order. */
export async function cardIds(page: Page): Promise<string[]> {
  return page
    .locator('li.card')
    .evaluateAll((cards) => cards.map((c) => (c as HTMLElement).dataset['project'] ?? ''));
}

/**
 * Presses Tab (Shift+Tab with `back`; only the keyboard) until the focused element's visible text or
 * label matches `name`, and answers how many presses it took. Fails after `max` presses: a control that
 * Tab cannot reach (or reaches only after a long way round) is a bug.
 */
export async function tabTo(page: Page, name: RegExp, max = 80, back = false): Promise<number> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return '';
      const labelled = el.getAttribute('aria-label');
      const labels = (el as HTMLInputElement).labels;
      const fromLabel = labels && labels.length > 0 ? (labels[0]?.textContent ?? '') : '';
      const visible = Array.from(el.childNodes)
        .filter((n) => !(n instanceof HTMLElement && n.getAttribute('aria-hidden') === 'true'))
        .map((n) => n.textContent ?? '')
        .join('');
      return (labelled ?? (fromLabel || visible)).trim();
    });
    if (name.test(focused)) {
      if (process.env['TABTO_LOG']) console.log(`tabTo ${String(name)}: ${i + 1}`);
      return i + 1;
    }
  }
  throw new Error(`Tab never reached ${String(name)}`);
}

export const ballots = (kiosk: KioskFixture): string[][] =>
  kiosk
    .votes()
    .ballots.filter((b) => !b.training)
    .map((b) => b.choices);

/**
 * A correction of the election, through the browser harness against a real central server: the central
 * team publishes a new revision that changes a project's title; after "Envoyer maintenant" the mediator's
 * home says a correction has arrived and lists the change (axe clean), nothing changes until "Appliquer
 * la correction", the result is said and focused, and a voter then reads the new title.
 */
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from '@playwright/test';
import { publishPackage } from '../../src/server/publish';
import { testElection } from './server-data';
import {
  closeSpace,
  logIn,
  openDay,
  setUpOnline,
  startCentral,
  startCounterKiosk,
  workDir,
  type Central,
  type CounterKiosk,
} from './counter-steps';
import { enterAs } from './voter-steps';

let work: ReturnType<typeof workDir>;
let central: Central | null = null;
let kiosk: CounterKiosk | null = null;

test.beforeEach(() => {
  work = workDir();
});
test.afterEach(async () => {
  await kiosk?.stop();
  kiosk = null;
  await central?.server.close();
  central = null;
  work.remove();
});

test('a correction waits on the mediator’s home until applied; then voters read the new title', async ({
  page,
}) => {
  const election = testElection();
  const first = election.projects[0];
  if (!first) throw new Error('the test election has no project');
  const newTitle = `${first.title} (titre corrigé)`;
  central = await startCentral(election);
  kiosk = await startCounterKiosk(join(work.dir, 'kiosk.sqlite'));
  await setUpOnline(page, kiosk, central);

  const { data } = central.server.running;
  const corrected = {
    ...election,
    revision: 2,
    projects: election.projects.map((p) => (p.id === first.id ? { ...p, title: newTitle } : p)),
  };
  expect(publishPackage(data.store, data.authority, corrected, new Date()).ok).toBe(true);

  await page.getByRole('button', { name: 'Envoyer maintenant' }).click();
  await expect(
    page.getByRole('heading', { level: 3, name: 'Une correction de la consultation est arrivée' }),
  ).toBeVisible();
  const notice = page.getByTestId('correction-notice');
  await expect(notice.getByRole('listitem')).toHaveText([`Projet « ${first.title} » : titre`]);
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => v.id)).toEqual([]);

  // Not applied yet: the voter still reads the old title.
  await openDay(page);
  await closeSpace(page);
  await enterAs(page);
  await expect(page.getByText(first.title, { exact: true }).first()).toBeVisible();
  await expect(page.getByText(newTitle)).toHaveCount(0);
  await page.getByRole('button', { name: 'Abandonner' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Oui, tout effacer' }).click();

  await logIn(page);
  await page.getByRole('button', { name: 'Appliquer la correction' }).click();
  const applied = page.getByTestId('correction-applied');
  await expect(applied).toHaveText(
    'La correction est appliquée : la consultation est maintenant en version 2.',
  );
  await expect(applied).toBeFocused();
  await expect(notice).toHaveCount(0);

  await closeSpace(page);
  await enterAs(page);
  await expect(page.getByText(newTitle).first()).toBeVisible();
});

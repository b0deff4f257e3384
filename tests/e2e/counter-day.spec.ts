/**
 * The counter's day, through the browser harness against a real central server: opening refused
 * outside the election window (with the reason); a day opened, paused (with the time it resumes, said to
 * voters), resumed and closed, "Je vote" offered only while it is open; the day and a cast vote surviving
 * a SIGKILL and a restart mid-day; a training vote before the day is opened never reaching the tally.
 */
import { join } from 'node:path';
import { test, expect } from '@playwright/test';
import { countKioskVotes } from '../kiosk-file';
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
import { chooseButtons, enterAs } from './voter-steps';

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

const dayState = (page: import('@playwright/test').Page) => page.getByTestId('day-state');

/** From the grid: the first project, review, cast, "Terminer". */
async function voteFirst(page: import('@playwright/test').Page): Promise<void> {
  await chooseButtons(page).first().click();
  await page.getByRole('button', { name: 'Voir mon vote' }).click();
  await page.getByRole('button', { name: 'Valider mon vote' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Merci !' })).toBeVisible();
  await page.getByRole('button', { name: 'Terminer' }).click();
}

test('opening the day outside the election window is refused with the reason', async ({ page }) => {
  const day = 24 * 60 * 60 * 1000;
  central = await startCentral(testElection(new Date(Date.now() + 3 * day)));
  kiosk = await startCounterKiosk(join(work.dir, 'kiosk.sqlite'));
  await setUpOnline(page, kiosk, central);
  await page.getByRole('button', { name: 'Ouvrir la journée' }).click();
  await expect(page.locator('.day-block .notice.error')).toBeVisible();
  await expect(dayState(page)).toHaveText('Journée fermée.');
  await closeSpace(page);
  await expect(page.getByRole('button', { name: 'Je vote' })).toHaveCount(0);
});

test('a day opened, paused until 14 h, resumed and closed: "Je vote" only while open', async ({ page }) => {
  central = await startCentral();
  kiosk = await startCounterKiosk(join(work.dir, 'kiosk.sqlite'));
  await setUpOnline(page, kiosk, central);
  await expect(dayState(page)).toHaveText('Journée fermée.');
  await openDay(page);
  await closeSpace(page);
  await expect(page.getByRole('button', { name: 'Je vote' })).toBeVisible();

  await logIn(page);
  await page.getByRole('button', { name: 'Pause' }).click();
  const pause = page.getByTestId('pause-dialog');
  await pause.getByLabel('Heure de reprise').fill('14:00');
  await pause.getByRole('button', { name: 'Mettre en pause' }).click();
  await expect(dayState(page)).toHaveText('En pause jusqu’à 14 h.');
  await closeSpace(page);
  await expect(page.getByRole('button', { name: 'Je vote' })).toHaveCount(0);
  await expect(page.getByRole('status')).toHaveText(
    /^Le vote est en pause\. Il (reprend à 14 h|rouvre .* à 14 h)\.$/,
  );

  await logIn(page);
  await page.getByRole('button', { name: 'Reprendre' }).click();
  await expect(dayState(page)).toHaveText('Journée ouverte : on peut voter.');
  await page.getByRole('button', { name: 'Clôturer la journée' }).click();
  await page.getByTestId('close-dialog').getByRole('button', { name: 'Oui, clôturer' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Rapport de clôture/ })).toBeVisible();
  await page.getByRole('button', { name: 'Retour à l’espace médiateur' }).click();
  await expect(dayState(page)).toHaveText('Journée fermée.');
  await closeSpace(page);
  await expect(page.getByRole('button', { name: 'Je vote' })).toHaveCount(0);
  await expect(page.getByRole('status')).toContainText('Le kiosque est fermé pour aujourd’hui.');
});

test('the day and a cast vote survive a SIGKILL and a restart mid-day', async ({ page }) => {
  central = await startCentral();
  const db = join(work.dir, 'kiosk.sqlite');
  kiosk = await startCounterKiosk(db);
  await setUpOnline(page, kiosk, central);
  await openDay(page);
  await closeSpace(page);
  await enterAs(page);
  await voteFirst(page);

  await kiosk.kill();
  kiosk = await startCounterKiosk(db);
  await page.goto(kiosk.url);
  // Still open after the power cut: the next voter can start at once.
  await expect(page.getByRole('button', { name: 'Je vote' })).toBeVisible();
  await logIn(page);
  await expect(dayState(page)).toHaveText('Journée ouverte : on peut voter.');
  await expect(page.locator('.facts').first()).toContainText('1');
});

test('a training vote before the day is opened never reaches the tally', async ({ page }) => {
  central = await startCentral();
  kiosk = await startCounterKiosk(join(work.dir, 'kiosk.sqlite'));
  await setUpOnline(page, kiosk, central);
  await expect(dayState(page)).toHaveText('Journée fermée.');
  await page.getByRole('button', { name: 'Mode formation', pressed: false }).click();
  await expect(page.getByRole('note')).toHaveText('MODE FORMATION — les votes ne comptent pas');
  await closeSpace(page);
  // Training lets a mediator practise on a closed day; the banner stays on every voter screen.
  await enterAs(page);
  await expect(page.getByRole('note')).toBeVisible();
  await voteFirst(page);

  await logIn(page);
  await page.getByRole('button', { name: 'Mode formation', pressed: true }).click();
  await page.getByRole('button', { name: 'Envoyer maintenant' }).click();
  await expect(page.locator('.mediator-block').filter({ hasText: 'Envoi des votes' })).toContainText(
    'Joignable',
  );
  // Stored apart on the kiosk as training, and nothing of it at the central server.
  expect(countKioskVotes(kiosk.dbPath)).toMatchObject({ ballots: 0, trainingBallots: 1 });
  expect(central.server.running.data.store.counts().ballots).toBe(0);
});

/**
 * Accessibility of every counter screen: axe reports zero violations in the normal theme, in high
 * contrast at the largest text size, and at the largest text size alone; one screen per test. A
 * screenshot of each (1280×800, normal and high contrast large) lands in test-results/screens/counter-*.
 * The setup screens run on a fresh kiosk each; the rest on one kiosk set up once against a real server.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { test, expect, type Page } from '@playwright/test';
import {
  closeSpace,
  createFirstMediator,
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

const SCREENS_DIR = 'test-results/screens';

async function display(page: Page, largest: boolean, high: boolean): Promise<void> {
  await page.getByRole('button', { name: 'Affichage' }).click();
  await page.getByRole('button', { name: largest ? 'Très grand' : 'Normal', exact: true }).click();
  const contrast = page.getByRole('button', { name: 'Contraste renforcé' });
  if (((await contrast.getAttribute('aria-pressed')) === 'true') !== high) await contrast.click();
  await page.getByRole('button', { name: 'Fermer', exact: true }).click();
}

async function axe(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const summary = results.violations.map((v) => ({
    id: v.id,
    targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
  }));
  expect(summary, `axe violations on ${label}`).toEqual([]);
}

/** axe normal, high contrast largest, largest; screenshots; a dialog is checked in the normal theme only. */
async function check(page: Page, name: string, dialog = false): Promise<void> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  await axe(page, `${name} (normal)`);
  await page.screenshot({ path: `${SCREENS_DIR}/counter-${name}-1280x800.png` });
  if (dialog) return;
  await display(page, true, true);
  await axe(page, `${name} (high contrast, largest text)`);
  await page.screenshot({ path: `${SCREENS_DIR}/counter-${name}-contrast-large-1280x800.png` });
  await display(page, true, false);
  await axe(page, `${name} (largest text)`);
}

test.describe('setup screens', () => {
  let work: ReturnType<typeof workDir>;
  let kiosk: CounterKiosk;
  test.beforeEach(async () => {
    work = workDir();
    kiosk = await startCounterKiosk(join(work.dir, 'kiosk.sqlite'), {
      ISOLOIR_MEDIA_ROOTS: join(work.dir, 'media'),
    });
  });
  test.afterEach(async () => {
    await kiosk.stop();
    work.remove();
  });

  test('first mediator', async ({ page }) => {
    await page.goto(kiosk.url);
    await expect(page.getByRole('heading', { level: 1, name: 'Premier compte médiateur' })).toBeVisible();
    await check(page, 'setup-first-mediator');
  });
  test('enrolment choice', async ({ page }) => {
    await page.goto(kiosk.url);
    await createFirstMediator(page);
    await check(page, 'setup-enrol');
  });
  test('online enrolment form', async ({ page }) => {
    await page.goto(kiosk.url);
    await createFirstMediator(page);
    await page.getByRole('button', { name: 'Par internet' }).click();
    await check(page, 'setup-online');
  });
  test('USB enrolment, no stick found', async ({ page }) => {
    await page.goto(kiosk.url);
    await createFirstMediator(page);
    await page.getByRole('button', { name: 'Par clé USB (sans internet)' }).click();
    await expect(page.getByText('Aucune clé USB trouvée.', { exact: false })).toBeVisible();
    await check(page, 'setup-usb');
  });
});

test.describe('in service', () => {
  let work: ReturnType<typeof workDir>;
  let central: Central;
  let kiosk: CounterKiosk;
  test.beforeAll(async ({ browser }) => {
    test.setTimeout(180_000);
    work = workDir();
    central = await startCentral();
    kiosk = await startCounterKiosk(join(work.dir, 'kiosk.sqlite'), {
      ISOLOIR_MEDIA_ROOTS: join(work.dir, 'media'),
    });
    const page = await browser.newPage();
    await setUpOnline(page, kiosk, central);
    await openDay(page);
    // Each test logs in from the welcome screen.
    await closeSpace(page);
    await page.close();
  });
  test.afterAll(async () => {
    await kiosk.stop();
    await central.server.close();
    work.remove();
  });

  const inSpace = async (page: Page): Promise<void> => {
    await page.goto(kiosk.url);
    await logIn(page);
  };

  test('login', async ({ page }) => {
    await page.goto(kiosk.url);
    await page.getByRole('button', { name: 'Médiateur' }).click();
    await check(page, 'login');
  });
  test('the day', async ({ page }) => {
    await inSpace(page);
    await check(page, 'mediator-day');
  });
  test('pause dialog', async ({ page }) => {
    await inSpace(page);
    await page.getByRole('button', { name: 'Pause' }).click();
    await check(page, 'pause-dialog', true);
  });
  test('closing dialog', async ({ page }) => {
    await inSpace(page);
    await page.getByRole('button', { name: 'Clôturer la journée' }).click();
    await check(page, 'close-dialog', true);
  });
  test('incident dialog', async ({ page }) => {
    await inSpace(page);
    await page.getByRole('button', { name: 'Noter un incident' }).click();
    await check(page, 'incident-dialog', true);
  });
  test('accounts', async ({ page }) => {
    await inSpace(page);
    await page.getByRole('button', { name: 'Comptes', exact: true }).click();
    await check(page, 'accounts');
  });
  test('my PIN', async ({ page }) => {
    await inSpace(page);
    await page.getByRole('button', { name: 'Mon code', exact: true }).click();
    await check(page, 'my-pin');
  });
  test('reports list', async ({ page }) => {
    await inSpace(page);
    await page.getByRole('button', { name: 'Rapports', exact: true }).click();
    await expect(page.getByRole('button', { name: /^Afficher/ }).first()).toBeVisible();
    await check(page, 'reports');
  });
  test('opening report', async ({ page }) => {
    await inSpace(page);
    await page.getByRole('button', { name: 'Rapports', exact: true }).click();
    await page
      .getByRole('button', { name: /^Afficher : Ouverture/ })
      .first()
      .click();
    await expect(page.getByTestId('report-block')).toBeVisible();
    await check(page, 'report');
  });
  test('USB export', async ({ page }) => {
    await inSpace(page);
    await page.getByRole('button', { name: 'Clé USB', exact: true }).click();
    await expect(page.getByText('Aucune clé USB trouvée.', { exact: false })).toBeVisible();
    await check(page, 'usb');
  });
  test('escape hatch login over the browse screen', async ({ page }) => {
    await page.goto(kiosk.url);
    await enterAs(page);
    await page.keyboard.press('Control+Shift+M');
    await expect(page.getByRole('heading', { level: 1, name: 'Espace médiateur' })).toBeVisible();
    await check(page, 'hatch-login');
  });
  test('welcome while paused', async ({ page }) => {
    await inSpace(page);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByLabel('Heure de reprise').fill('14:00');
    await page.getByRole('button', { name: 'Mettre en pause' }).click();
    await closeSpace(page);
    await expect(page.getByRole('status')).toContainText('Le vote est en pause.');
    await check(page, 'welcome-paused');
    await logIn(page);
    await page.getByRole('button', { name: 'Reprendre' }).click();
    await expect(page.getByTestId('day-state')).toHaveText('Journée ouverte : on peut voter.');
  });
});

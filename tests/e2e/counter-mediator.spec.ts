/**
 * The mediators' accounts and the escape hatch, through the browser harness on a kiosk set up against a
 * real central server: an account added (name, PIN twice) and removed after a confirmation, one's own
 * PIN changed; wrong PINs lock an account for a time that doubles, and the lock survives a SIGKILL and
 * a restart; the escape hatch from the browse screen (an ordinary tap does nothing, a 3-second press or
 * Ctrl+Maj+M opens the login, which ends the voter's session in the core without showing the choices).
 */
import { join } from 'node:path';
import { test, expect } from '@playwright/test';
import type { MediatorStatus } from '../../src/shared/api';
import {
  aicha,
  closeSpace,
  jean,
  logIn,
  openDay,
  padPin,
  setUpOnline,
  startCentral,
  startCounterKiosk,
  workDir,
  type Central,
  type CounterKiosk,
} from './counter-steps';
import { chooseButtons, enterAs, tabTo } from './voter-steps';

let work: ReturnType<typeof workDir>;
let central: Central;
let kiosk: CounterKiosk | null = null;

test.beforeEach(async () => {
  work = workDir();
  central = await startCentral();
});
test.afterEach(async () => {
  await kiosk?.stop();
  kiosk = null;
  await central.server.close();
  work.remove();
});

/** Calls the kiosk's API the way the page does (harness HTTP, per-launch secret). */
async function call<T>(
  k: CounterKiosk,
  method: string,
  input: unknown = {},
): Promise<{ ok: boolean; value?: T; error?: { code: string } }> {
  const url = new URL(k.url);
  const token = /token=([A-Za-z0-9_-]+)/.exec(url.hash)?.[1] ?? '';
  const response = await fetch(`${url.origin}/api/kiosk/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-isoloir-token': token },
    body: JSON.stringify(input),
  });
  return (await response.json()) as { ok: boolean; value?: T; error?: { code: string } };
}

async function lockedUntil(k: CounterKiosk, name: string): Promise<number | null> {
  const status = await call<MediatorStatus>(k, 'mediatorStatus');
  const until = status.value?.accounts.find((a) => a.name === name)?.lockedOutUntil ?? null;
  return until === null ? null : Date.parse(until);
}

test('accounts: one added with a name and a PIN, removed after a confirmation; my PIN changed', async ({
  page,
}) => {
  kiosk = await startCounterKiosk(join(work.dir, 'kiosk.sqlite'));
  await setUpOnline(page, kiosk, central);

  await page.getByRole('button', { name: 'Comptes', exact: true }).click();
  await page.getByRole('textbox', { name: 'Nom' }).fill(jean.name);
  await padPin(page, jean.pin, 'Suivant');
  await padPin(page, '999999', 'Ajouter');
  await expect(page.getByText('Les deux codes ne sont pas les mêmes. Recommencez.')).toBeVisible();
  await padPin(page, jean.pin, 'Suivant');
  await padPin(page, jean.pin, 'Ajouter');
  await expect(page.getByText('Le compte a été ajouté.')).toBeVisible();
  await expect(page.locator('.account-rows')).toContainText(jean.name);

  // Jean can log in; Aïcha's own account has no "Retirer".
  await closeSpace(page);
  await logIn(page, jean);
  await page.getByRole('button', { name: 'Comptes', exact: true }).click();
  await expect(page.getByRole('button', { name: `Retirer le compte de ${jean.name}` })).toHaveCount(0);
  await page.getByRole('button', { name: `Retirer le compte de ${aicha.name}` }).click();
  await page.getByRole('button', { name: 'Annuler' }).click();
  await expect(page.locator('.account-rows')).toContainText(aicha.name);

  await page.getByRole('button', { name: 'Mon code', exact: true }).click();
  await padPin(page, jean.pin, 'Suivant');
  await padPin(page, '864209', 'Suivant');
  await padPin(page, '864209', 'Changer mon code');
  await expect(page.getByText('Votre code a été changé.')).toBeVisible();
  await closeSpace(page);
  await logIn(page, { name: jean.name, pin: '864209' });

  await page.getByRole('button', { name: 'Comptes', exact: true }).click();
  await page.getByRole('button', { name: `Retirer le compte de ${aicha.name}` }).click();
  await page.getByRole('button', { name: 'Oui, retirer' }).click();
  await expect(page.getByText('Le compte a été retiré.')).toBeVisible();
  await expect(page.locator('.account-rows')).not.toContainText(aicha.name);
});

test('wrong PINs lock an account for a time that doubles, and the lock survives a restart', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const db = join(work.dir, 'kiosk.sqlite');
  kiosk = await startCounterKiosk(db);
  await setUpOnline(page, kiosk, central);
  await closeSpace(page);

  const wrongUntilLocked = async (): Promise<number> => {
    await page.getByRole('button', { name: 'Médiateur' }).click();
    await page.getByRole('radio', { name: aicha.name }).check();
    const message = page.locator('#mediator-pin-message');
    for (let i = 0; i < 20; i++) {
      // After a refusal the screen reloads the accounts (with the lock, if any): wait for that answer.
      const reloaded = page.waitForResponse((r) => r.url().endsWith('/api/kiosk/mediatorStatus'));
      await padPin(page, '000000', 'Valider');
      await reloaded;
      if ((await lockedUntil(kiosk as CounterKiosk, aicha.name)) !== null) break;
    }
    await expect(message).toContainText(/Trop de codes incorrects\. Réessayez à \d{1,2} h( \d{2})?\./);
    const until = await lockedUntil(kiosk as CounterKiosk, aicha.name);
    expect(until).not.toBeNull();
    return until ?? 0;
  };

  const start1 = Date.now();
  const until1 = await wrongUntilLocked();
  const first = until1 - start1;

  await kiosk.kill();
  kiosk = await startCounterKiosk(db);
  // The stored lock, read again by a new process (to the millisecond rounding of a re-read clock).
  expect(Math.abs(((await lockedUntil(kiosk, aicha.name)) ?? 0) - until1)).toBeLessThan(1000);
  await page.goto(kiosk.url);
  await page.getByRole('button', { name: 'Médiateur' }).click();
  await page.getByRole('radio', { name: aicha.name }).check();
  await expect(page.locator('#mediator-pin-message')).toContainText('Trop de codes incorrects');
  // Even the right PIN is refused while locked.
  await expect(page.getByRole('button', { name: 'Valider' })).toBeDisabled();

  // Once the lock is over (the core's own clock says so), one more wrong PIN locks for twice as long.
  await expect
    .poll(() => lockedUntil(kiosk as CounterKiosk, aicha.name).then((u) => u === null || u <= Date.now()), {
      timeout: first + 60_000,
      intervals: [1000],
    })
    .toBe(true);
  await page.getByRole('button', { name: 'Annuler' }).click();
  const start2 = Date.now();
  const until2 = await wrongUntilLocked();
  const second = until2 - start2;
  expect(second).toBeGreaterThan(first * 1.5);
});

test('the escape hatch from the browse screen ends the voter session without showing the choices', async ({
  page,
}) => {
  kiosk = await startCounterKiosk(join(work.dir, 'kiosk.sqlite'));
  await setUpOnline(page, kiosk, central);
  await openDay(page);
  await closeSpace(page);

  // The voter's session id, as the core gave it to the page.
  const sessionId = new Promise<string>((resolve) => {
    page.on('response', (response) => {
      if (!response.url().endsWith('/api/kiosk/checkEligibility')) return;
      void response.json().then((body: { ok: boolean; value?: { sessionId: string } }) => {
        if (body.ok && body.value) resolve(body.value.sessionId);
      });
    });
  });
  await page.clock.install();
  await page.reload();
  await enterAs(page);
  await chooseButtons(page).first().click();
  const chosen = (await page.locator('.tray-title').first().textContent()) ?? '';
  expect(chosen).not.toBe('');

  const corner = page.getByTestId('escape-hatch');
  const box = await corner.boundingBox();
  if (!box) throw new Error('no escape hatch on the browse screen');
  await page.mouse.move(box.x + 10, box.y + 10);
  // An ordinary tap, and a press released after one second: nothing opens.
  await page.mouse.down();
  await page.mouse.up();
  await page.mouse.down();
  await page.clock.runFor(1000);
  await page.mouse.up();
  await page.clock.runFor(5000);
  await expect(page.getByRole('heading', { level: 1, name: 'Les projets' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: 'Espace médiateur' })).toHaveCount(0);

  // The keyboard path opens the login; "Annuler" goes back to the voter's screen as it was.
  await page.keyboard.press('Control+Shift+M');
  await expect(page.getByRole('heading', { level: 1, name: 'Espace médiateur' })).toBeVisible();
  await expect(page.getByText(chosen)).toHaveCount(0);
  await page.getByRole('button', { name: 'Annuler' }).click();
  await expect(page.locator('.tray-title').first()).toHaveText(chosen);

  // Held for 3 seconds: the login, over the voter's screen, with nothing of the voter's choices.
  await page.mouse.move(box.x + 10, box.y + 10);
  await page.mouse.down();
  await page.clock.runFor(3000);
  await page.mouse.up();
  await expect(page.getByRole('heading', { level: 1, name: 'Espace médiateur' })).toBeVisible();
  await expect(page.getByText(chosen)).toHaveCount(0);
  await page.getByRole('radio', { name: aicha.name }).check();
  await padPin(page, aicha.pin, 'Valider');
  await expect(page.getByRole('heading', { level: 2, name: 'La journée' })).toBeVisible();
  await expect(page.getByText(chosen)).toHaveCount(0);

  // The core forgot the session: a cast with it is refused, and nothing was stored.
  const cast = await call(kiosk, 'castBallot', {
    sessionId: await sessionId,
    choices: ['ressourcerie-arras'],
  });
  expect(cast.ok).toBe(false);
  expect(cast.error?.code).toMatch(/^session_/);
  await closeSpace(page);
  await expect(page.getByRole('button', { name: 'Je vote' })).toBeVisible();
});

test('a mediator logs in and out with the keyboard only', async ({ page }) => {
  kiosk = await startCounterKiosk(join(work.dir, 'kiosk.sqlite'));
  await setUpOnline(page, kiosk, central);
  await closeSpace(page);
  await tabTo(page, /^Médiateur$/);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Espace médiateur' })).toBeVisible();
  // The only account is already picked; Tab reaches the PIN field, digits are typed, Enter submits.
  await tabTo(page, new RegExp(`^Code de ${aicha.name}$`));
  await page.keyboard.type(aicha.pin);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 2, name: 'La journée' })).toBeVisible();
  await tabTo(page, /^Fermer l’espace médiateur$/, 120);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Médiateur' })).toBeVisible();
  const status = await call<MediatorStatus>(kiosk, 'mediatorStatus');
  expect(status.value?.current ?? null).toBeNull();
});

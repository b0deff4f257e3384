/**
 * A counter's first start, through the browser harness against a real central server: nothing but the
 * setup is reachable before it is done; the online setup with a real one-time code, where a wrong
 * authority fingerprint stops it and stores nothing, then the right one; the offline setup in two USB
 * trips (the request written to a stick, the server's signed answer read back from it).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test, expect } from '@playwright/test';
import { answerUsbEnrolment } from '../../src/server/enrol-usb';
import {
  aicha,
  createFirstMediator,
  enrolOnline,
  finishSetup,
  makeStick,
  startCentral,
  startCounterKiosk,
  workDir,
  wrongFingerprint,
  type Central,
  type CounterKiosk,
} from './counter-steps';

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

test('no voter screen and no mediator entry before the setup is done, even after a restart', async ({
  page,
}) => {
  kiosk = await startCounterKiosk(join(work.dir, 'kiosk.sqlite'));
  await page.goto(kiosk.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Premier compte médiateur' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Je vote' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Médiateur' })).toHaveCount(0);

  // Halfway through (a mediator exists, no enrolment), a restart comes back to the setup, not to a voter.
  await createFirstMediator(page);
  await kiosk.kill();
  kiosk = await startCounterKiosk(join(work.dir, 'kiosk.sqlite'));
  await page.goto(kiosk.url);
  await expect(page.getByTestId('setup-step')).toHaveText('Installation — étape 2 sur 3');
  await expect(page.getByRole('button', { name: 'Je vote' })).toHaveCount(0);
  // The enrolment needs the mediator again after a restart: their login is inside the setup.
  await page.getByRole('radio', { name: aicha.name }).check();
  const pad = page.getByRole('group', { name: 'Pavé numérique' });
  for (const d of aicha.pin) await pad.getByRole('button', { name: d, exact: true }).click();
  await pad.getByRole('button', { name: 'Valider' }).click();
  await expect(page.getByRole('button', { name: 'Par internet' })).toBeVisible();
});

test('online setup: a wrong fingerprint is refused and stores nothing; the right one enrols', async ({
  page,
}) => {
  kiosk = await startCounterKiosk(join(work.dir, 'kiosk.sqlite'));
  await page.goto(kiosk.url);
  await createFirstMediator(page);

  const code = central.server.createCode('Comptoir e2e');
  await enrolOnline(page, central, wrongFingerprint(central.fingerprint), code);
  await expect(page.getByTestId('setup-error')).toBeVisible();
  await expect(page.getByTestId('setup-step')).toHaveText('Installation — étape 2 sur 3');
  // Nothing stored: after a restart the kiosk is still at the enrolment step, not enrolled.
  await kiosk.kill();
  kiosk = await startCounterKiosk(join(work.dir, 'kiosk.sqlite'));
  await page.goto(kiosk.url);
  await expect(page.getByTestId('setup-step')).toHaveText('Installation — étape 2 sur 3');
  await expect(page.getByRole('button', { name: 'Je vote' })).toHaveCount(0);

  // The server saw that kiosk's key with the spent code, so the right fingerprint is tried on a kiosk
  // that never asked (the central team would revoke the first one).
  await kiosk.stop();
  kiosk = await startCounterKiosk(join(work.dir, 'second.sqlite'));
  await page.goto(kiosk.url);
  await createFirstMediator(page);
  await enrolOnline(page, central);
  await expect(page.getByRole('heading', { level: 1, name: 'Vérifier avant de commencer' })).toBeVisible();
  const check = page.getByTestId('setup-check');
  await expect(check).toContainText(central.server.url);
  await expect(check).toContainText('Budget citoyen 2026 du Pas-de-Calais');
  await expect(check).toContainText(central.fingerprint);
  await finishSetup(page);
  // In service, day closed: the mediator's space first; the welcome screen offers no "Je vote" yet.
  await page.getByRole('button', { name: 'Fermer l’espace médiateur' }).click();
  await expect(page.getByRole('button', { name: 'Médiateur' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Je vote' })).toHaveCount(0);
  await expect(page.getByRole('status')).toContainText('Le kiosque est fermé pour aujourd’hui.');
});

test('offline setup in two USB trips: the request on the stick, the signed answer read back', async ({
  page,
}) => {
  const media = join(work.dir, 'media');
  const stick = makeStick(media, 'CLE-ARRAS');
  kiosk = await startCounterKiosk(join(work.dir, 'kiosk.sqlite'), { ISOLOIR_MEDIA_ROOTS: media });
  await page.goto(kiosk.url);
  await createFirstMediator(page);

  await page.getByRole('button', { name: 'Par clé USB (sans internet)' }).click();
  // The only stick plugged in is picked by itself.
  await expect(page.getByRole('radio', { name: /CLE-ARRAS/ })).toBeChecked();
  await page
    .getByRole('textbox', { name: 'Code d’installation' })
    .fill(central.server.createCode('Comptoir e2e'));
  await page.getByRole('textbox', { name: 'Nom du lieu' }).fill('Comptoir d’Arras');
  await page.getByRole('button', { name: 'Écrire la demande' }).click();
  await expect(page.getByTestId('usb-carry')).toContainText('Apportez la clé à l’équipe centrale');

  // The central team's side: the request file becomes a signed answer on the same stick.
  const written = readdirSync(stick, { recursive: true }).map(String);
  const request = written.find((f) => /isoloir-enrol-request-[0-9a-f]{32}\.json$/.test(f));
  expect(request, `request file on the stick (found: ${written.join(', ')})`).toBeDefined();
  answerOnStick(central, join(stick, request ?? ''));

  await page.getByRole('button', { name: 'J’ai la réponse' }).click();
  await expect(page.getByRole('radio', { name: /CLE-ARRAS/ })).toBeChecked();
  await page.getByRole('textbox', { name: 'Empreinte de l’autorité' }).fill(central.fingerprint);
  await page.getByRole('button', { name: 'Lire la réponse' }).click();
  await expect(page.getByTestId('setup-check')).toContainText(central.fingerprint);
  await finishSetup(page);
});

/**
 * The central team's side of the second trip, as the server's CLI (`enrol-usb`) and admin page do it:
 * the request's bytes become the signed answer, written next to the request on the stick.
 */
function answerOnStick(c: Central, requestPath: string): void {
  const answer = answerUsbEnrolment(
    c.server.running.data.store,
    c.server.running.data.authority,
    readFileSync(requestPath),
    new Date(),
  );
  if (!answer.ok) throw new Error(answer.error.message);
  writeFileSync(join(dirname(requestPath), answer.value.fileName), JSON.stringify(answer.value.document));
}

/**
 * Steps shared by the counter specs (counter-*.spec.ts): a kiosk started as a counter starts it (the
 * browser harness's command in a process of its own, on a fresh SQLite file, no provisioning), so a
 * test can SIGKILL it and start it again on the same file; a real central server with the test
 * election; and the screens a mediator goes through (setup, login, the day), by touch.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';
import { keyFingerprint } from '../../src/shared/node/crypto';
import type { ElectionPackage } from '../../src/shared/wire';
import { generatedDir, requireBuiltInputs } from './fixtures';
import { testElection } from './server-data';
import { startWebTestServer, type WebTestServer } from './server-fixture';

const root = resolve('.');

export interface CounterKiosk {
  /** The voter address with the per-launch secret. */
  url: string;
  dbPath: string;
  child: ChildProcess;
  /** SIGKILL, as a power cut would: nothing is closed cleanly. */
  kill(): Promise<void>;
  /** SIGTERM: the harness closes the kiosk. */
  stop(): Promise<void>;
}

/** A folder for a test's kiosk files and its USB "sticks"; removed by `remove`. */
export function workDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'isoloir-counter-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Starts the kiosk as a counter would (`npm run harness` without --provision-from), on `dbPath`, with
 * `env` added (e.g. ISOLOIR_MEDIA_ROOTS for the test's USB sticks). Resolves once it prints its address.
 */
export function startCounterKiosk(
  dbPath: string,
  env: Record<string, string> = {},
  query = '',
): Promise<CounterKiosk> {
  requireBuiltInputs();
  const communes = join(generatedDir, 'communes-62.json');
  // One process (node with the tsx loader), not the `tsx` wrapper: SIGKILL must hit the kiosk itself.
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(root, 'src/main/harness/cli.ts'),
      '--db',
      dbPath,
      '--port',
      '0',
      ...(existsSync(communes) ? ['--communes', communes] : []),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } },
  );
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const kiosk = (url: string): CounterKiosk => ({
    url: query ? url.replace('/#', `/?${query}#`) : url,
    dbPath,
    child,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  });
  return new Promise((ok, ko) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\S*#token=[A-Za-z0-9_-]+)/.exec(out);
      if (m?.[1]) ok(kiosk(m[1]));
    });
    child.once('exit', (code) => ko(new Error(`harness exited early (${code}): ${out}`)));
  });
}

export interface Central {
  server: WebTestServer;
  /** The authority key's fingerprint as the central team reads it out. */
  fingerprint: string;
}

/** The real central server with the test election (open since yesterday unless `election` says). */
export async function startCentral(election: ElectionPackage = testElection()): Promise<Central> {
  const server = await startWebTestServer(election);
  return { server, fingerprint: keyFingerprint(server.authorityPublicKey) };
}

/** A fingerprint that is not the authority's: same form, one character changed. */
export function wrongFingerprint(fingerprint: string): string {
  const last = fingerprint.slice(-1);
  return fingerprint.slice(0, -1) + (last === '0' ? '1' : '0');
}

export interface Mediator {
  name: string;
  pin: string;
}
export const aicha: Mediator = { name: 'Aïcha Benali', pin: '246810' };
export const jean: Mediator = { name: 'Jean-Éric Dupont', pin: '135790' };

/** Types a PIN on the pad's keys (touch), then the pad's submit key. */
export async function padPin(page: Page, pin: string, submit: RegExp | string): Promise<void> {
  const pad = page.getByRole('group', { name: 'Pavé numérique' });
  for (const digit of pin) await pad.getByRole('button', { name: digit, exact: true }).click();
  await pad.getByRole('button', { name: submit }).click();
}

/** Setup step 1: the first mediator's name, then the PIN twice on the pad. */
export async function createFirstMediator(page: Page, who: Mediator = aicha): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: 'Premier compte médiateur' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Nom' }).fill(who.name);
  await padPin(page, who.pin, 'Suivant');
  await padPin(page, who.pin, 'Créer mon compte');
  await expect(
    page.getByRole('heading', { level: 1, name: 'Relier le kiosque au dépouillement' }),
  ).toBeVisible();
}

/** Setup step 2, online: the server's address, a fresh code, the label, and the fingerprint given. */
export async function enrolOnline(
  page: Page,
  central: Central,
  fingerprint = central.fingerprint,
  code = central.server.createCode('Comptoir e2e'),
): Promise<void> {
  await page.getByRole('button', { name: 'Par internet' }).click();
  await page.getByRole('textbox', { name: 'Adresse du serveur' }).fill(central.server.url);
  await page.getByRole('textbox', { name: 'Code d’installation' }).fill(code);
  await page.getByRole('textbox', { name: 'Nom du lieu' }).fill('Comptoir d’Arras');
  await page.getByRole('textbox', { name: 'Empreinte de l’autorité' }).fill(fingerprint);
  await page.getByRole('button', { name: 'Relier le kiosque' }).click();
}

/** Setup step 3: the check screen, then "Terminer"; the mediator lands on their space. */
export async function finishSetup(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: 'Vérifier avant de commencer' })).toBeVisible();
  await expect(page.getByTestId('setup-check')).toBeVisible();
  await page.getByRole('button', { name: 'Terminer' }).click();
  await expect(page.getByTestId('setup-step')).toHaveCount(0);
}

/** A fresh kiosk set up online against `central` by `who`, ending in the mediator's space. */
export async function setUpOnline(
  page: Page,
  kiosk: CounterKiosk,
  central: Central,
  who = aicha,
): Promise<void> {
  await page.goto(kiosk.url);
  await createFirstMediator(page, who);
  await enrolOnline(page, central);
  await finishSetup(page);
  await expect(page.getByRole('heading', { level: 2, name: 'La journée' })).toBeVisible();
}

/** From the welcome screen: "Médiateur", your name, your PIN (or straight in while a session is open). */
export async function logIn(page: Page, who: Mediator = aicha): Promise<void> {
  await page.getByRole('button', { name: 'Médiateur' }).click();
  const space = page.getByRole('heading', { level: 2, name: 'La journée' });
  const radio = page.getByRole('radio', { name: who.name });
  await expect(radio.or(space)).toBeVisible();
  if (await space.isVisible()) return;
  await radio.check();
  await padPin(page, who.pin, 'Valider');
  await expect(page.getByRole('heading', { level: 2, name: 'La journée' })).toBeVisible();
}

/** In the space: "Ouvrir la journée", the signed opening report, back to the space. */
export async function openDay(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Ouvrir la journée' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Rapport d’ouverture/ })).toBeVisible();
  await page.getByRole('button', { name: 'Retour à l’espace médiateur' }).click();
  await expect(page.getByTestId('day-state')).toHaveText('Journée ouverte : on peut voter.');
}

export async function closeSpace(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Fermer l’espace médiateur' }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'Votez pour vos projets préférés' }),
  ).toBeVisible();
}

/** A USB "stick" under a test media root (ISOLOIR_MEDIA_ROOTS): each sub-folder stands for one. */
export function makeStick(mediaRoot: string, label: string): string {
  const path = join(mediaRoot, label);
  mkdirSync(path, { recursive: true });
  return path;
}

/**
 * The e2e fixture: a real kiosk core on a fresh temporary SQLite file, provisioned with the generated
 * sample election and demo keys, its first mediator made and the counter's day open, served by the
 * browser harness on 127.0.0.1, and a Chromium `page` already open at the harness URL. It builds nothing: the test command builds first (`npm test`, or
 * `npm run build` before `npx playwright test`), and a missing piece fails with the command to run.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test as base, expect } from '@playwright/test';
import Database from 'better-sqlite3';
import { openKiosk, type Kiosk } from '../../src/main/core/kiosk';
import { provisionFrom, SIGNED_ELECTION_FILE, DEMO_AUTHORITY_FILE } from '../../src/main/core/provision';
import { startHarness, type Harness } from '../../src/main/harness/server';
import { countKioskVotes, readKioskVotes, type KioskVotes } from '../kiosk-file';

export const generatedDir = resolve('resources/generated');
export const rendererDir = resolve('out/renderer');

/** Throws the command that makes the missing input, instead of a confusing failure later. */
export function requireBuiltInputs(): void {
  for (const file of [DEMO_AUTHORITY_FILE, SIGNED_ELECTION_FILE]) {
    if (!existsSync(join(generatedDir, file)))
      throw new Error(`resources/generated/${file} is missing: run npm run build:data`);
  }
  if (!existsSync(join(rendererDir, 'index.html')))
    throw new Error('out/renderer/index.html is missing: run npm run build (or npx electron-vite build)');
}

export interface KioskFixture {
  kiosk: Kiosk;
  harness: Harness;
  /** The kiosk's SQLite file, to check what a screen action really stored. */
  dbPath: string;
  /** Opens the file read-only for a query, then closes it (the kiosk keeps writing in WAL mode). */
  query<T>(sql: string, ...params: unknown[]): T[];
  /** Ballots and participations in the file (open sets and sealed batches), read-only. */
  votes(): KioskVotes;
  /** Their counts, real and training apart. */
  counts(): ReturnType<typeof countKioskVotes>;
}

/**
 * The mediator "Test" (PIN 123456), created through the API as at a first start (the keys open), opens
 * the counter's day and leaves, as a mediator does before the first voter: "Je vote" is live.
 */
export async function openCounterDay(kiosk: Kiosk): Promise<void> {
  const created = await kiosk.handlers.createFirstMediator({ name: 'Test', pin: '123456' });
  if (!created.ok) throw new Error(created.error.message);
  const opened = await kiosk.handlers.openDay({});
  if (!opened.ok) throw new Error(opened.error.message);
  const left = await kiosk.handlers.lockMediator({});
  if (!left.ok) throw new Error(left.error.message);
}

export const test = base.extend<{ kiosk: KioskFixture }>({
  // Playwright reads a fixture's dependencies from this destructuring: it must be an object pattern.
  // eslint-disable-next-line no-empty-pattern
  kiosk: async ({}, use) => {
    requireBuiltInputs();
    const dir = mkdtempSync(join(tmpdir(), 'isoloir-e2e-'));
    const dbPath = join(dir, 'kiosk.sqlite');
    const generated = provisionFrom(generatedDir, 'Kiosque e2e');
    const kiosk = openKiosk({
      dbPath,
      provision: generated.provision,
      ...(generated.communesPath ? { communesPath: generated.communesPath } : {}),
    });
    await openCounterDay(kiosk);
    const harness = await startHarness({ kiosk, rendererDir });
    const query = <T>(sql: string, ...params: unknown[]): T[] => {
      const db = new Database(dbPath, { readonly: true, fileMustExist: true });
      try {
        return db.prepare(sql).all(...params) as T[];
      } finally {
        db.close();
      }
    };
    await use({
      kiosk,
      harness,
      dbPath,
      query,
      votes: () => readKioskVotes(dbPath),
      counts: () => countKioskVotes(dbPath),
    });
    await harness.close();
    kiosk.close();
    rmSync(dir, { recursive: true, force: true });
  },
  page: async ({ page, kiosk }, use) => {
    await page.goto(kiosk.harness.url);
    await use(page);
  },
});

export { expect };

/**
 * What the mediator sees when the kiosk's database is damaged at start: the start-failure screen in
 * Chromium through the browser harness (the built renderer, the typed API), in French, with the kept
 * file's path and what to do, and no voter screen; axe finds no violation on it.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { startKiosk } from '../../src/main/core/kiosk';
import { startHarness } from '../../src/main/harness/server';
import { rendererDir } from './fixtures';

test('a damaged database: the start-failure screen says to erase nothing and whom to call', async ({
  page,
}) => {
  // Only the built screens are needed here (no election, no keys: the kiosk never starts).
  if (!existsSync(join(rendererDir, 'index.html')))
    throw new Error('out/renderer/index.html is missing: run npm run build (or npx electron-vite build)');
  const dir = mkdtempSync(join(tmpdir(), 'isoloir-e2e-damaged-'));
  const dbPath = join(dir, 'kiosk.sqlite');
  writeFileSync(dbPath, Buffer.alloc(8192, 0x5a));
  const started = startKiosk({ dbPath });
  expect(started.ok).toBe(false);
  if (started.ok) return;
  const harness = await startHarness({ kiosk: { handlers: started.handlers }, rendererDir });
  try {
    await page.goto(harness.url);
    await expect(
      page.getByRole('heading', { level: 1, name: 'Le kiosque ne peut pas démarrer' }),
    ).toBeVisible();
    await expect(page.getByRole('alert')).toContainText('N’effacez rien');
    await expect(page.getByText(started.error.keptAs)).toBeVisible();
    await expect(page.getByText('lisez-le sur l’étiquette du kiosque')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Je vote' })).toHaveCount(0);
    const results = await new AxeBuilder({ page }).options({ resultTypes: ['violations'] }).analyze();
    expect(results.violations.map((v) => v.id)).toEqual([]);
  } finally {
    await harness.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

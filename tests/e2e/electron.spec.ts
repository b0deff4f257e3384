/**
 * The real Electron shell, when this machine has an Electron binary: the window has `window.kiosk` from the
 * preload, no Node in the page, and the welcome screen shows. The binary is looked up without triggering
 * the electron package's download (its index.js downloads on require); here the download cannot work, so
 * the test says why it is skipped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { findElectronBinary } from '../../src/main/harness/electron-binary';
import { kioskMethods } from '../../src/shared/api';
import { generatedDir, requireBuiltInputs } from './fixtures';

const found = findElectronBinary();
if ('missing' in found) {
  console.log(`electron.spec: skipped, ${found.missing}`);
}

test.describe('Electron shell', () => {
  test.skip(
    'missing' in found,
    `Electron binary not installed on this machine (cannot be downloaded here): ${'missing' in found ? found.missing : ''}`,
  );

  test('window has the preload API, no Node, and shows the welcome screen', async () => {
    if (!('path' in found)) return;
    requireBuiltInputs();
    const dir = mkdtempSync(join(tmpdir(), 'isoloir-electron-'));
    const app = await electron.launch({
      executablePath: found.path,
      args: [resolve('out/main/index.js')],
      env: {
        ...process.env,
        ISOLOIR_DB: join(dir, 'kiosk.sqlite'),
        ISOLOIR_PROVISION_FROM: generatedDir,
      },
    });
    try {
      const page = await app.firstWindow();
      expect(page.url()).toBe('app://kiosk/index.html');
      const exposed = await page.evaluate(() => {
        const w = globalThis as unknown as Record<string, unknown>;
        const kiosk = w['kiosk'] as Record<string, unknown> | undefined;
        return {
          methods: kiosk ? Object.keys(kiosk).sort() : null,
          require: typeof w['require'],
          process: typeof w['process'],
          module: typeof w['module'],
        };
      });
      expect(exposed).toEqual({
        methods: [...kioskMethods].sort(),
        require: 'undefined',
        process: 'undefined',
        module: 'undefined',
      });
      await expect(page.getByRole('button', { name: /Je vote/i })).toBeVisible();
      const status = await page.evaluate(async () => {
        const w = globalThis as unknown as { kiosk: { getStatus: (i: object) => Promise<{ ok: boolean }> } };
        return w.kiosk.getStatus({});
      });
      expect(status.ok).toBe(true);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

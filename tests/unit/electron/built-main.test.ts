/**
 * The BUILT shell (out/main/index.js, as electron-vite bundled it) started by plain Node with a stand-in
 * `electron` module (./stub): proves the bundle itself runs — ESM imports of electron, the core and its
 * embedded migrations, paths to out/preload and out/renderer — and that the page is served from app://
 * with the CSP, and IPC reaches the real core, which starts on its setup (a counter's kiosk has no side
 * door: a mediator sets it up through the screens).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ipcChannel, kioskMethods } from '../../../src/shared/api';
import { contentSecurityPolicy } from '../../../src/shared/csp';
import { shellChannel, shellMethods } from '../../../src/shared/shell';

const mainFile = resolve('out/main/index.js');
const generated = resolve('resources/generated');
const ready =
  existsSync(mainFile) &&
  existsSync(resolve('out/renderer/index.html')) &&
  existsSync(join(generated, 'sample-election.signed.json'));
/** This process's environment without the variables that would change the shell's mode or paths. */
function productionEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of [
    'ISOLOIR_DB',
    'ISOLOIR_COMMUNES',
    'ISOLOIR_DEV',
    'ELECTRON_RENDERER_URL',
    'ISOLOIR_IDLE_SECONDS',
    'ISOLOIR_COUNTDOWN_SECONDS',
    'ISOLOIR_PRINTER',
    'ISOLOIR_REPORTS_DIR',
  ])
    delete env[name];
  return env;
}
const dir = mkdtempSync(join(tmpdir(), 'isoloir-built-main-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('built Electron main', () => {
  it.skipIf(!ready)(
    'starts the real core, serves the renderer from app:// with the CSP and answers IPC (skipped until npm run build)',
    () => {
      const run = spawnSync(
        process.execPath,
        ['--import', resolve('tests/unit/electron/stub/register.mjs'), mainFile],
        {
          encoding: 'utf8',
          timeout: 30_000,
          env: {
            ...productionEnv(),
            STUB_USER_DATA: join(dir, 'user-data'),
          },
        },
      );
      const marker = 'STUB-REPORT ';
      const line = run.stdout
        .split('\n')
        .find((l) => l.startsWith(marker))
        ?.slice(marker.length);
      expect(line, run.stdout + run.stderr).toBeDefined();
      const report = JSON.parse(line ?? '{}') as {
        exit?: number;
        sandboxed: boolean;
        schemes: { scheme: string }[];
        menu: unknown;
        window: { kiosk: boolean; webPreferences: Record<string, unknown> };
        page: { url: string; status: number; csp: string; html: string };
        ipc: string[];
        calls: Record<string, { ok: boolean; value?: unknown }>;
      };
      expect(report.exit).toBeUndefined();
      expect(run.status).toBe(0);
      expect(report.sandboxed).toBe(true);
      expect(report.schemes.map((s) => s.scheme)).toEqual(['app']);
      expect(report.menu).toBeNull();
      expect(report.window.kiosk).toBe(true);
      expect(report.window.webPreferences).toMatchObject({
        preload: resolve('out/preload/index.cjs'),
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
      });
      expect(report.page).toMatchObject({
        url: 'app://kiosk/index.html?idle=90&countdown=30',
        status: 200,
        csp: contentSecurityPolicy(),
      });
      expect(report.page.html).toContain('<div id="root">');
      expect(report.ipc).toEqual([...kioskMethods.map(ipcChannel), ...shellMethods.map(shellChannel)].sort());
      expect(report.calls['getStatus']).toMatchObject({
        ok: true,
        value: { setup: 'first_mediator', enrolled: false },
      });
      expect(report.calls['searchCommunes']).toMatchObject({
        ok: true,
        value: [{ code: '62041', name: 'Arras' }],
      });
      expect(existsSync(join(dir, 'user-data', 'kiosk.sqlite'))).toBe(true);
    },
  );
});
